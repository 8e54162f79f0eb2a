# RetinaNet 1x on COCO 2017 (data/coco/) with a ViT-B/16 encoder under
# ViTDet's simple feature pyramid, here at strides 8-128 (RetinaNet's P3-P7;
# P6/P7 by max pool), MMDetection's standard 1x pipeline and schedule.
# Fine-tuned by default; the children in ../coco/ set checkpoint and freeze.
_base_ = [
    'mmdet::_base_/models/retinanet_r50_fpn.py',
    'mmdet::_base_/datasets/coco_detection.py',
    'mmdet::_base_/schedules/schedule_1x.py',
    './default_runtime.py',
]
model = dict(
    backbone=dict(
        _delete_=True,
        type='mmpretrain.VisionTransformer',
        arch='b',
        img_size=224,
        patch_size=16,
        out_type='featmap',
        with_cls_token=False,
        final_norm=True,
        drop_path_rate=0.1,
        frozen_stages=-1),
    neck=dict(
        _delete_=True,
        type='mmpretrain.SimpleFeaturePyramid',
        in_channels=768,
        out_channels=256,
        scale_factors=(2.0, 1.0, 0.5),  # stride 16 -> 8, 16, 32
        num_outs=5,                     # + 64, 128 by max pool
        norm_cfg=dict(type='LN2d', eps=1e-6)))
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-4, betas=(0.9, 0.999),
                   weight_decay=0.1),
    paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.,
                       custom_keys={'pos_embed': dict(decay_mult=0.)}))
