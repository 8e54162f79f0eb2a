# Block-wise Masked FINOLA on Mobile-Former-508M at 224 px: the ViT-B
# model's neck and head (masked-finola-b_vit-base-p16_224px.py). The visible
# 112 px quadrant gives a 4x4 stride-32 map (240 channels), resized to the
# 7x7 quadrant of the 14x14 latent.
_base_ = './masked-finola-b_vit-base-p16_224px.py'
model = dict(
    backbone=dict(_delete_=True, type='BlockMaskedMobileFormer', arch='508m',
                  out_indices=(3, )),
    neck=dict(in_channels=240))
