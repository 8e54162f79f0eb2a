# FINOLA autoencoder on a 4-layer ViT for 32 px (patch 4 -> 8x8x128 tokens).
model = dict(
    type='FINOLAAutoencoder',
    backbone=dict(
        type='VisionTransformer',
        arch=dict(embed_dims=128, num_layers=4, num_heads=4,
                  feedforward_channels=512),
        img_size=32,
        patch_size=4,
        out_type='featmap',
        with_cls_token=False),
    neck=dict(
        type='FINOLANeck',
        in_channels=128,
        channels=512,
        num_paths=1,
        latent_size=8,
        img_size=32,
        decoder_channels=(64, 32, 16),
        pool_heads=8),
    head=dict(type='PixelReconstructionHead',
              loss=dict(type='PixelReconstructionLoss', criterion='L2')))
