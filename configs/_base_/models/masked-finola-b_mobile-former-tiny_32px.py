# Block-wise Masked FINOLA on the tiny Mobile-Former (32 px): the tiny ViT
# model's neck and head (masked-finola-b_vit-tiny-p4_32px.py). The encoder
# sees only the visible 16 px quadrant; its stride-32 map (1x1, 48
# channels) is resized to the 4x4 quadrant latent
# (docs/masked_pretraining.md); at 224 px it is 4x4.
_base_ = './masked-finola-b_vit-tiny-p4_32px.py'
model = dict(
    backbone=dict(_delete_=True, type='BlockMaskedMobileFormer', arch='tiny',
                  out_indices=(3, )),
    neck=dict(in_channels=48))
