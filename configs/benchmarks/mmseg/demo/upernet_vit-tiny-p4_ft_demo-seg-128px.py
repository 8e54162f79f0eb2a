# UperNet on the demo segmentation set (128 px) with the 32 px tiny ViT
# (patch 4, width 128; configs/_base_/models/vit-tiny-p4_32px.py): its
# stride-4 map through the simple feature pyramid (strides 4-32) into a
# 64-channel UPerHead, fine-tuned. Small so it trains on 2 CPU cores in
# minutes; otherwise MMSegmentation's UperNet.
#   tools/train.py THIS --pretrained work_dirs/<pretraining>/iter_1000.pth
# (without --pretrained: the random-init control). Frozen: ..._frozen_...
_base_ = [
    'mmseg::_base_/models/upernet_r50.py',
    '../../../_base_/datasets/demo_seg.py',
    '../_base_/demo_seg_runtime.py',
]
width = 64
norm_cfg = dict(type='BN', requires_grad=True)  # one process: no SyncBN
model = dict(
    pretrained=None,  # the encoder's weights come from --pretrained
    # the pretraining's Fashion-MNIST statistics: the encoder's input scale
    data_preprocessor=dict(mean=[72.94] * 3, std=[90.02] * 3,
                           size=(128, 128)),
    backbone=dict(
        _delete_=True,
        type='mmpretrain.VisionTransformer',
        arch=dict(embed_dims=128, num_layers=4, num_heads=4,
                  feedforward_channels=512),
        img_size=32,  # pretraining size; pos_embed is resized at forward
        patch_size=4,
        out_type='featmap',
        with_cls_token=False,
        final_norm=True,
        frozen_stages=-1),
    neck=dict(
        type='mmpretrain.SimpleFeaturePyramid',
        in_channels=128,
        out_channels=width,
        scale_factors=(1.0, 0.5, 0.25, 0.125),  # stride 4 -> 4, 8, 16, 32
        num_outs=4,
        norm_cfg=dict(type='LN2d', eps=1e-6)),
    decode_head=dict(in_channels=[width] * 4, channels=width,
                     num_classes=11, norm_cfg=norm_cfg),
    auxiliary_head=dict(in_channels=width, channels=width // 2,
                        num_classes=11, norm_cfg=norm_cfg))
