# UperNet on ADE20K 512 px with a ViT-B/16 encoder, fine-tuned:
# MMSegmentation's MAE ViT-B recipe
# (mmseg::mae/mae-base_upernet_8xb2-amp-160k_ade20k-512x512.py: four layers
# 3/5/7/11 through Feature2Pyramid, AdamW 1e-4, layer-wise decay 0.65, 1,500
# warm-up then poly, 160k iterations of 8x2 images, slide test). Published
# for MAE's ViT-B: 48.1 mIoU, 48.7 with multi-scale + flip.
# The encoder is MMPretrain's VisionTransformer, so a checkpoint of any
# configs/masked_pretrain/*_vit-base-p16_8xb512-coslr-400e_in1k-224px.py
# (masked-finola-e, masked-finola-b, mae, simmim) loads with prefix
# 'backbone.':
#   tools/train.py THIS --pretrained work_dirs/<pretraining run>/epoch_400.pth
# (8 GPUs: bash tools/dist_train.sh THIS 8 --pretrained ...). Without
# --pretrained the encoder starts random. Frozen: ..._frozen_160k_...
_base_ = [
    'mmseg::_base_/models/upernet_mae.py',
    'mmseg::_base_/datasets/ade20k.py',
    '../_base_/default_runtime.py',
]
crop_size = (512, 512)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    backbone=dict(
        _delete_=True,
        type='mmpretrain.VisionTransformer',
        arch='b',
        img_size=224,  # the pretraining size; pos_embed is resized at forward
        patch_size=16,
        out_indices=(3, 5, 7, 11),
        out_type='featmap',
        with_cls_token=False,
        final_norm=True,
        drop_path_rate=0.1,
        frozen_stages=-1),
    neck=dict(embed_dim=768, rescales=[4, 2, 1, 0.5]),
    decode_head=dict(in_channels=[768, 768, 768, 768], num_classes=150,
                     channels=768),
    auxiliary_head=dict(in_channels=768, num_classes=150),
    test_cfg=dict(mode='slide', crop_size=(512, 512), stride=(341, 341)))
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',  # tools/train.py --amp: AmpOptimWrapper, as MMSeg's
    optimizer=dict(type='AdamW', lr=1e-4, betas=(0.9, 0.999),
                   weight_decay=0.05),
    constructor='mmpretrain.BackboneLayerDecayOptimWrapperConstructor',
    paramwise_cfg=dict(layer_decay_rate=0.65,
                       custom_keys={'pos_embed': dict(decay_mult=0.)}))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-6, by_epoch=False, begin=0,
         end=1500),
    dict(type='PolyLR', eta_min=0.0, power=1.0, begin=1500, end=160000,
         by_epoch=False),
]
train_dataloader = dict(batch_size=2)  # x 8 GPUs
val_dataloader = dict(batch_size=1)
test_dataloader = val_dataloader
