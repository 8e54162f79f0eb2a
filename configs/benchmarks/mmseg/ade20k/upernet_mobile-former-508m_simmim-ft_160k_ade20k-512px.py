# UperNet 160k on ADE20K, Mobile-Former-508M from SimMIM
# pretraining (configs/masked_pretrain/), fine-tuned. Another checkpoint:
#   tools/train.py THIS --pretrained CKPT
_base_ = '../_base_/upernet_mobile-former-508m_160k_ade20k-512px.py'
pretrain_ckpt = ('work_dirs/simmim_mobile-former-508m_'
                 '8xb512-coslr-400e_in1k-224px/epoch_400.pth')
model = dict(
    backbone=dict(
        init_cfg=dict(type='Pretrained', checkpoint=pretrain_ckpt,
                      prefix='backbone.')))
