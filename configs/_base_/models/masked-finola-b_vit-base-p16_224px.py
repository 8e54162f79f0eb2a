# Block-wise Masked FINOLA on ViT-B/16 at 224 px: the element-wise model
# (masked-finola-e_vit-base-p16_224px.py) with the block-wise encoder and
# neck, as at 32 px; a random visible 7x7 quadrant of the 14x14 patch grid
# predicts the other three.
_base_ = './masked-finola-e_vit-base-p16_224px.py'
model = dict(
    backbone=dict(type='BlockMaskedViT'),
    neck=dict(type='BlockFINOLANeck', finola_cfg=dict(axis_order='xy')))
