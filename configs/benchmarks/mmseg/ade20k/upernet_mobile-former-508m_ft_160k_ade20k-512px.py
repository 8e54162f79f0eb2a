# UperNet on ADE20K 512 px with Mobile-Former-508M, fine-tuned: its four
# stages (strides 4-32, channels 40/72/176/240) feed UPerHead directly, with
# the ViT-B recipe's data, schedule and optimiser
# (upernet_vit-base-p16_ft_160k_ade20k-512px.py), layer-wise decay 0.8 over
# its 11 blocks (as its fine-tuning), BN statistics frozen (2 images per
# GPU). A checkpoint of any
# configs/masked_pretrain/*_mobile-former-508m_8xb512-coslr-400e_in1k-224px.py
# (masked-finola-e, masked-finola-b, simmim):
#   tools/train.py THIS --pretrained work_dirs/<pretraining run>/epoch_400.pth
_base_ = './upernet_vit-base-p16_ft_160k_ade20k-512px.py'
model = dict(
    backbone=dict(
        _delete_=True, type='mmpretrain.MobileFormer', arch='508m',
        out_indices=(0, 1, 2, 3), frozen_stages=-1, norm_eval=True,
        drop_path_rate=0.1),
    neck=None,
    decode_head=dict(in_channels=[40, 72, 176, 240], channels=512),
    auxiliary_head=dict(in_channels=176, channels=256))
optim_wrapper = dict(paramwise_cfg=dict(
    _delete_=True, layer_decay_rate=0.8,
    custom_keys={'backbone.tokens': dict(decay_mult=0.)}))
