# Mask R-CNN on the demo COCO set (128 px) with the 32 px tiny ViT (patch 4,
# width 128; configs/_base_/models/vit-tiny-p4_32px.py) under the simple
# feature pyramid, fine-tuned. Small FPN width and heads (64 channels) so it
# trains on 2 CPU cores in minutes; otherwise MMDetection's Mask R-CNN.
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
        _delete_=True, type='mmpretrain.VisionTransformer',
        arch=dict(embed_dims=128, num_layers=4, num_heads=4,
                  feedforward_channels=512),
        img_size=32,  # pretraining size; pos_embed is resized at forward
        patch_size=4, out_type='featmap', with_cls_token=False,
        final_norm=True, frozen_stages=-1),
    neck=dict(
        _delete_=True, type='mmpretrain.SimpleFeaturePyramid',
        in_channels=128, out_channels=width,
        scale_factors=(1.0, 0.5, 0.25, 0.125),  # stride 4 -> 4, 8, 16, 32
        num_outs=5,                             # + 64 by max pool
        norm_cfg=dict(type='LN2d', eps=1e-6)),
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
