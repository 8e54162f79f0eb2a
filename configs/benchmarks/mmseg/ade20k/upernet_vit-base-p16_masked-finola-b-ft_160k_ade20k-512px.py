# UperNet 160k on ADE20K, ViT-B/16 from block-wise Masked FINOLA
# pretraining (configs/masked_pretrain/), fine-tuned. Another checkpoint:
#   tools/train.py THIS --pretrained CKPT
_base_ = '../_base_/upernet_vit-base-p16_160k_ade20k-512px.py'
pretrain_ckpt = ('work_dirs/masked-finola-b_vit-base-p16_'
                 '8xb512-coslr-400e_in1k-224px/epoch_400.pth')
model = dict(
    backbone=dict(
        init_cfg=dict(type='Pretrained', checkpoint=pretrain_ckpt,
                      prefix='backbone.')))
