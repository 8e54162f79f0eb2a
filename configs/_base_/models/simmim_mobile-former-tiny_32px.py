# SimMIM (MMPretrain's algorithm, neck and head) on the tiny Mobile-Former
# (32 px): the tiny ViT model (simmim_vit-tiny-p4_32px.py) with the
# Mobile-Former's stride-32 map (48 channels) decoded linearly.
_base_ = './simmim_vit-tiny-p4_32px.py'
model = dict(
    backbone=dict(_delete_=True, type='SimMIMMobileFormer', arch='tiny',
                  out_indices=(3, )),
    neck=dict(in_channels=48, encoder_stride=32))
