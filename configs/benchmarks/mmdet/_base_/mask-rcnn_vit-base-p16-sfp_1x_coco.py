# Mask R-CNN 1x on COCO 2017 (data/coco/) with a ViT-B/16 encoder under
# ViTDet's simple feature pyramid (strides 4-64), MMDetection's standard 1x
# pipeline (1333x800, flip) and schedule. Fine-tuned by default; the children
# in ../coco/ set the pretraining checkpoint and, for frozen, frozen_stages.
# Any checkpoint:  tools/train.py THIS --pretrained CKPT
_base_ = [
    'mmdet::_base_/models/mask-rcnn_r50_fpn.py',
    'mmdet::_base_/datasets/coco_instance.py',
    'mmdet::_base_/schedules/schedule_1x.py',
    './default_runtime.py',
]
model = dict(
    backbone=dict(
        _delete_=True,
        type='mmpretrain.VisionTransformer',
        arch='b',
        img_size=224,  # the pretraining size: pos_embed loads as it is and
        patch_size=16,  # is resized to each padded input at forward
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
        scale_factors=(4.0, 2.0, 1.0, 0.5),  # stride 16 -> 4, 8, 16, 32
        num_outs=5,                          # + 64 by max pool (RPN's P6)
        norm_cfg=dict(type='LN2d', eps=1e-6)))
# AdamW as ViTDet (no layer-wise decay); norms, biases, pos_embed undecayed
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-4, betas=(0.9, 0.999),
                   weight_decay=0.1),
    paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.,
                       custom_keys={'pos_embed': dict(decay_mult=0.)}))
