# RetinaNet on the demo COCO set (128 px) with the 32 px tiny Mobile-Former
# feeding MMDetection's FPN (P3-P7 from the stride 8-32 stages, P6 by conv on
# C5, as for ResNet), fine-tuned; 64-channel FPN and head so it trains on 2
# CPU cores in minutes. Boxes only: masks are not loaded, bbox mAP.
#   tools/train.py THIS --pretrained work_dirs/<pretraining>/iter_1000.pth
_base_ = [
    'mmdet::_base_/models/retinanet_r50_fpn.py',
    '../../../_base_/datasets/demo_coco_instance.py',
    '../_base_/demo_det_runtime.py',
]
width = 64
model = dict(
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
    bbox_head=dict(num_classes=10, in_channels=width, feat_channels=width))
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Resize', scale={{_base_.img_scale}}, keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale={{_base_.img_scale}}, keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                    'scale_factor'))
]
# data loading is cheap at 128 px; worker processes only take the 2 cores
train_dataloader = dict(num_workers=0, persistent_workers=False,
                        dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(num_workers=0, persistent_workers=False,
                      dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(metric='bbox')
test_evaluator = val_evaluator
