# RetinaNet 1x on COCO 2017 (data/coco/) with Mobile-Former-508M feeding
# MMDetection's FPN (P3-P7 from the stride 8-32 stages, P6 by conv on C5, as
# for ResNet). BN as in the Mask R-CNN base (norm_eval while fine-tuning).
_base_ = [
    'mmdet::_base_/models/retinanet_r50_fpn.py',
    'mmdet::_base_/datasets/coco_detection.py',
    'mmdet::_base_/schedules/schedule_1x.py',
    './default_runtime.py',
]
model = dict(
    backbone=dict(
        _delete_=True,
        type='mmpretrain.MobileFormer',
        arch='508m',
        out_indices=(0, 1, 2, 3),
        frozen_stages=-1,
        norm_eval=True,
        drop_path_rate=0.1),
    neck=dict(in_channels=[40, 72, 176, 240]))
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-4, betas=(0.9, 0.999),
                   weight_decay=0.05),
    paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.,
                       custom_keys={'backbone.tokens': dict(decay_mult=0.)}))
