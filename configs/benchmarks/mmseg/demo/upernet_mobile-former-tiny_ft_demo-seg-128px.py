# UperNet on the demo segmentation set (128 px) with the 32 px tiny
# Mobile-Former: its four stages (strides 4-32, channels 16/24/40/48) feed a
# 64-channel UPerHead directly, fine-tuned.
#   tools/train.py THIS --pretrained work_dirs/<pretraining>/iter_1000.pth
_base_ = './upernet_vit-tiny-p4_ft_demo-seg-128px.py'
model = dict(
    backbone=dict(
        _delete_=True,
        type='mmpretrain.MobileFormer',
        arch='tiny',
        out_indices=(0, 1, 2, 3),
        frozen_stages=-1,
        norm_eval=False),  # one process, 8 images: BN statistics train
    neck=None,
    decode_head=dict(in_channels=[16, 24, 40, 48]),
    auxiliary_head=dict(in_channels=40))
