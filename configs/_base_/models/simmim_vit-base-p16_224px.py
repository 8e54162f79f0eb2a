# SimMIM on ViT-B/16 at 224 px: the 32 px model (simmim_vit-tiny-p4_32px.py)
# with the ViT-B encoder; the linear decoder upsamples stride 16.
_base_ = './simmim_vit-tiny-p4_32px.py'
model = dict(
    backbone=dict(arch='b', img_size=224, patch_size=16),
    neck=dict(in_channels=768, encoder_stride=16),
    head=dict(patch_size=16))
