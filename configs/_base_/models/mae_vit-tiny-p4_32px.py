# MAE (MMPretrain's algorithm, neck and head, unchanged) on the shared 32 px
# tiny ViT: the encoder sees 25% of the 4 px patches, a 2-layer decoder
# predicts the normalised pixels of the masked ones.
_base_ = './vit-tiny-p4_32px.py'
model = dict(
    type='MAE',
    backbone=dict(type='MAEViTStart', mask_ratio=0.75,  # MMPretrain's MAEViT
                  mae_init=True),  # its own start (False: the plain ViT's)
    neck=dict(type='MAEPretrainDecoder', num_patches=64, patch_size=4,
              in_chans=3, embed_dim=128, decoder_embed_dim=128,
              decoder_depth=2, decoder_num_heads=4, mlp_ratio=4.),
    head=dict(type='MAEPretrainHead', norm_pix=True, patch_size=4,
              loss=dict(type='PixelReconstructionLoss', criterion='L2')),
    init_cfg=[
        dict(type='Xavier', layer='Linear', distribution='uniform'),
        dict(type='Constant', layer='LayerNorm', val=1.0, bias=0.0)
    ])
