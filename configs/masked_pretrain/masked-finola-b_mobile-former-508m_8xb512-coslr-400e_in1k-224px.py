# Block-wise Masked FINOLA, Mobile-Former-508M, ImageNet-1K 224 px: the
# visible 112 px quadrant gives a 4x4 map, resized to the 7x7 quadrant of a
# 14x14 latent.
_base_ = [
    '../_base_/models/masked-finola-b_mobile-former-508m_224px.py',
    '../_base_/datasets/imagenet_224px_quadrant.py',
    '../_base_/schedules/mim_adamw_coslr_400e.py',
    '../_base_/mim_runtime_epochs.py',
]
