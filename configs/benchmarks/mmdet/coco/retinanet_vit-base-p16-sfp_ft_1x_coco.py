# RetinaNet 1x on COCO 2017 (data/coco/): the Mask R-CNN config's ViT-B/16
# encoder and schedule (mask-rcnn_vit-base-p16-sfp_ft_1x_coco.py), the simple
# feature pyramid here at strides 8-128 (RetinaNet's P3-P7; P6/P7 by max
# pool); MMDetection's 1x box pipeline. Fine-tuned; a checkpoint from any
# configs/masked_pretrain/*_vit-base-p16_8xb512-coslr-400e_in1k-224px.py:
#   tools/train.py THIS --pretrained work_dirs/<pretraining run>/epoch_400.pth
_base_ = [
    'mmdet::_base_/models/retinanet_r50_fpn.py',
    'mmdet::_base_/datasets/coco_detection.py',
    '../_base_/schedule_1x_adamw.py',
]
model = dict(
    backbone=dict(
        _delete_=True, type='mmpretrain.VisionTransformer', arch='b',
        img_size=224, patch_size=16, out_type='featmap',
        with_cls_token=False, final_norm=True, drop_path_rate=0.1,
        frozen_stages=-1),
    neck=dict(
        _delete_=True, type='mmpretrain.SimpleFeaturePyramid',
        in_channels=768, out_channels=256,
        scale_factors=(2.0, 1.0, 0.5),  # stride 16 -> 8, 16, 32
        num_outs=5,                     # + 64, 128 by max pool
        norm_cfg=dict(type='LN2d', eps=1e-6)))
