# Mask R-CNN 1x on COCO, Mobile-Former-508M from block-wise Masked FINOLA
# pretraining (configs/masked_pretrain/), fine-tuned. Another checkpoint:
#   tools/train.py THIS --pretrained CKPT
_base_ = '../_base_/mask-rcnn_mobile-former-508m-fpn_1x_coco.py'
pretrain_ckpt = ('work_dirs/masked-finola-b_mobile-former-508m_'
                 '8xb512-coslr-400e_in1k-224px/epoch_400.pth')
model = dict(
    backbone=dict(
        init_cfg=dict(type='Pretrained', checkpoint=pretrain_ckpt,
                      prefix='backbone.')))
