# Element-wise Masked FINOLA on the tiny Mobile-Former (32 px): the tiny
# ViT model's neck and head (masked-finola-e_vit-tiny-p4_32px.py) on the
# Mobile-Former's stride-32 map (48 channels), pooled to q by 4 heads.
# Masked patches become a learned mask token after the stem.
_base_ = './masked-finola-e_vit-tiny-p4_32px.py'
model = dict(
    backbone=dict(_delete_=True, type='SimMIMMobileFormer', arch='tiny',
                  out_indices=(3, )),
    neck=dict(in_channels=48, pool_heads=4))
