# Mask R-CNN on the demo COCO set (128 px) with the 32 px tiny Mobile-Former
# (configs/_base_/models/mobile-former-tiny_32px.py): its four stages
# (strides 4-32, channels 16/24/40/48) feed MMDetection's FPN, fine-tuned.
# FPN width and heads are 64 channels so it trains on 2 CPU cores in
# minutes; otherwise MMDetection's Mask R-CNN.
#   tools/train.py THIS --pretrained work_dirs/<pretraining>/iter_1000.pth
# (without --pretrained: the random-init control). Frozen: ..._frozen_...
_base_ = [
    'mmdet::_base_/models/mask-rcnn_r50_fpn.py',
    '../../../_base_/datasets/demo_coco_instance.py',
    '../_base_/demo_det_runtime.py',
]
width = 64
model = dict(
    # the pretraining's Fashion-MNIST statistics: the encoder's input scale
    data_preprocessor=dict(mean=[72.94] * 3, std=[90.02] * 3),
    backbone=dict(
        _delete_=True,
        type='mmpretrain.MobileFormer',
        arch='tiny',
        out_indices=(0, 1, 2, 3),
        frozen_stages=-1,
        # one process, 4 images: BN statistics keep training
        norm_eval=False),
    neck=dict(in_channels=[16, 24, 40, 48], out_channels=width),
    rpn_head=dict(in_channels=width, feat_channels=width),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=width),
        bbox_head=dict(in_channels=width, fc_out_channels=256,
                       num_classes=10),
        mask_roi_extractor=dict(out_channels=width),
        mask_head=dict(in_channels=width, conv_out_channels=width,
                       num_classes=10)),
    train_cfg=dict(rcnn=dict(sampler=dict(num=64))),  # <= 4 objects/image
    test_cfg=dict(rpn=dict(nms_pre=500, max_per_img=300)))
# data loading is cheap at 128 px; worker processes only take the 2 cores
train_dataloader = dict(num_workers=0, persistent_workers=False)
val_dataloader = dict(num_workers=0, persistent_workers=False)
test_dataloader = val_dataloader
