# SimMIM on Mobile-Former-508M at 224 px: the ViT-B model
# (simmim_vit-base-p16_224px.py) with the Mobile-Former's stride-32 map (240
# channels) decoded linearly.
_base_ = './simmim_vit-base-p16_224px.py'
model = dict(
    backbone=dict(_delete_=True, type='SimMIMMobileFormer', arch='508m',
                  out_indices=(3, )),
    neck=dict(in_channels=240, encoder_stride=32))
