# Mask R-CNN on the demo COCO set (128 px) with the 32 px tiny Mobile-Former
# (configs/_base_/models/masked-finola-e_mobile-former-tiny_32px.py): its
# four stages (strides 4-32, channels 16/24/40/48) feed MMDetection's FPN,
# fine-tuned; otherwise the tiny ViT's demo detector
# (mask-rcnn_vit-tiny-p4-sfp_ft_demo-coco-128px.py): 64-channel FPN and heads.
#   tools/train.py THIS --pretrained work_dirs/<pretraining>/iter_1000.pth
# (without --pretrained: the random-init control). Frozen: ..._frozen_...
_base_ = './mask-rcnn_vit-tiny-p4-sfp_ft_demo-coco-128px.py'
model = dict(
    backbone=dict(
        _delete_=True, type='mmpretrain.MobileFormer', arch='tiny',
        out_indices=(0, 1, 2, 3), frozen_stages=-1,
        norm_eval=False),  # one process, 4 images: BN statistics train
    neck=dict(_delete_=True, type='FPN', in_channels=[16, 24, 40, 48],
              out_channels=_base_.width, num_outs=5))
