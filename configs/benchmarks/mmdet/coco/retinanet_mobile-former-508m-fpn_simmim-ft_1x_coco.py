# RetinaNet 1x on COCO, Mobile-Former-508M from SimMIM
# pretraining (configs/masked_pretrain/), fine-tuned. Another checkpoint:
#   tools/train.py THIS --pretrained CKPT
_base_ = '../_base_/retinanet_mobile-former-508m-fpn_1x_coco.py'
pretrain_ckpt = ('work_dirs/simmim_mobile-former-508m_'
                 '8xb512-coslr-400e_in1k-224px/epoch_400.pth')
model = dict(
    backbone=dict(
        init_cfg=dict(type='Pretrained', checkpoint=pretrain_ckpt,
                      prefix='backbone.')))
