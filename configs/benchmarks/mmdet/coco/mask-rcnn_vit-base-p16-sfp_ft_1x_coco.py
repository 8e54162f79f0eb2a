# Mask R-CNN 1x on COCO 2017 (data/coco/) with a ViT-B/16 encoder under
# ViTDet's simple feature pyramid (strides 4-64), MMDetection's standard 1x
# pipeline (1333x800, flip) and schedule, AdamW; the encoder is fine-tuned.
# Its weights come from a pretraining run of any
# configs/masked_pretrain/*_vit-base-p16_8xb512-coslr-400e_in1k-224px.py
# (masked-finola-e, masked-finola-b, mae, simmim):
#   tools/train.py THIS --pretrained work_dirs/<pretraining run>/epoch_400.pth
# (8 GPUs: bash tools/dist_train.sh THIS 8 --pretrained ...). Without
# --pretrained the encoder starts random. Frozen: ..._frozen_1x_coco.py.
_base_ = [
    'mmdet::_base_/models/mask-rcnn_r50_fpn.py',
    'mmdet::_base_/datasets/coco_instance.py',
    '../_base_/schedule_1x_adamw.py',
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
