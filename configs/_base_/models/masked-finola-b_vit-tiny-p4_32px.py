# Block-wise Masked FINOLA on the shared 32 px tiny ViT: the element-wise
# model (masked-finola-e_vit-tiny-p4_32px.py) with an encoder that sees one
# quadrant (4x4 of 8x8 patches; the data pipeline's QuadrantMaskGenerator
# picks it) and a neck in which each visible latent predicts its partners in
# the three masked quadrants by FINOLA steps; the loss is on the masked
# pixels.
_base_ = './masked-finola-e_vit-tiny-p4_32px.py'
model = dict(
    backbone=dict(type='BlockMaskedViT'),
    neck=dict(type='BlockFINOLANeck', finola_cfg=dict(axis_order='xy')))
