# SimMIM baseline, Mobile-Former-508M, ImageNet-1K 224 px.
_base_ = [
    '../_base_/models/simmim_mobile-former-508m_224px.py',
    '../_base_/datasets/imagenet_224px_mim.py',
    '../_base_/schedules/mim_adamw_coslr_400e.py',
    '../_base_/mim_runtime_epochs.py',
]
