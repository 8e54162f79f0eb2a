# RetinaNet on the demo COCO set (128 px) with the 32 px tiny ViT (patch 4,
# width 128) under the simple feature pyramid at strides 8-128 (P3-P7; P6
# and P7 by max pool), fine-tuned; 64-channel FPN and head so it trains on 2
# CPU cores in minutes. Boxes only: masks are not loaded, bbox mAP.
#   tools/train.py THIS --pretrained work_dirs/<pretraining>/iter_1000.pth
_base_ = [
    'mmdet::_base_/models/retinanet_r50_fpn.py',
    '../../../_base_/datasets/demo_coco_detection.py',
    '../_base_/demo_det_runtime.py',
]
width = 64
model = dict(
    data_preprocessor=dict(mean=[72.94] * 3, std=[90.02] * 3),
    backbone=dict(
        _delete_=True, type='mmpretrain.VisionTransformer',
        arch=dict(embed_dims=128, num_layers=4, num_heads=4,
                  feedforward_channels=512),
        img_size=32,  # pretraining size; pos_embed is resized at forward
        patch_size=4, out_type='featmap', with_cls_token=False,
        final_norm=True, frozen_stages=-1),
    neck=dict(
        _delete_=True, type='mmpretrain.SimpleFeaturePyramid',
        in_channels=128, out_channels=width,
        scale_factors=(0.5, 0.25, 0.125),  # stride 4 -> 8, 16, 32
        num_outs=5,                        # + 64, 128 by max pool
        norm_cfg=dict(type='LN2d', eps=1e-6)),
    bbox_head=dict(num_classes=10, in_channels=width, feat_channels=width))
