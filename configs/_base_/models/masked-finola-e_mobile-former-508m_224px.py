# Element-wise Masked FINOLA on Mobile-Former-508M (the paper's largest
# published size) at 224 px: the ViT-B model's neck and head
# (masked-finola-e_vit-base-p16_224px.py) on the Mobile-Former's stride-32
# map (240 channels). Masked patches become a learned mask token after the
# stem.
_base_ = './masked-finola-e_vit-base-p16_224px.py'
model = dict(
    backbone=dict(_delete_=True, type='SimMIMMobileFormer', arch='508m',
                  out_indices=(3, )),
    neck=dict(in_channels=240))
