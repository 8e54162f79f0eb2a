# RetinaNet 1x on COCO, ViT-B/16 from block-wise Masked FINOLA
# pretraining (configs/masked_pretrain/), frozen. Another checkpoint:
#   tools/train.py THIS --pretrained CKPT
_base_ = '../_base_/retinanet_vit-base-p16-sfp_1x_coco.py'
pretrain_ckpt = ('work_dirs/masked-finola-b_vit-base-p16_'
                 '8xb512-coslr-400e_in1k-224px/epoch_400.pth')
model = dict(
    backbone=dict(
        frozen_stages=12,
        drop_path_rate=0.,
        init_cfg=dict(type='Pretrained', checkpoint=pretrain_ckpt,
                      prefix='backbone.')))
