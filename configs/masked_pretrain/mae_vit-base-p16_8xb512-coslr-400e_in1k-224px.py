# MAE baseline, ViT-B/16 (MMPretrain's mae_vit-base-p16 recipe).
_base_ = [
    '../_base_/models/vit-base-p16_224px.py',
    '../_base_/datasets/imagenet_224px_mim.py',
    '../_base_/schedules/mim_adamw_coslr_400e.py',
    '../_base_/mim_runtime_epochs.py',
]
model = dict(
    type='MAE',
    backbone=dict(type='MAEViT', mask_ratio=0.75),
    neck=dict(type='MAEPretrainDecoder', patch_size=16, in_chans=3,
              embed_dim=768, decoder_embed_dim=512, decoder_depth=8,
              decoder_num_heads=16, mlp_ratio=4.),
    head=dict(type='MAEPretrainHead', norm_pix=True, patch_size=16,
              loss=dict(type='PixelReconstructionLoss', criterion='L2')),
    init_cfg=[
        dict(type='Xavier', layer='Linear', distribution='uniform'),
        dict(type='Constant', layer='LayerNorm', val=1.0, bias=0.0)
    ])
