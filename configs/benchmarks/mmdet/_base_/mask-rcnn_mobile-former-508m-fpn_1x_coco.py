# Mask R-CNN 1x on COCO 2017 (data/coco/) with Mobile-Former-508M: its four
# stages (strides 4-32, channels 40/72/176/240) feed MMDetection's FPN.
# MMDetection's standard 1x pipeline and schedule (AdamW, as for the ViT).
# Fine-tuned with BN statistics frozen (norm_eval, as MMDetection's ResNets:
# 2 images per GPU give poor batch statistics; for BN that trains, use
# norm_cfg=dict(type='SyncBN') and norm_eval=False on several GPUs).
# The children in ../coco/ set the checkpoint and, for frozen, frozen_stages.
_base_ = [
    'mmdet::_base_/models/mask-rcnn_r50_fpn.py',
    'mmdet::_base_/datasets/coco_instance.py',
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
