# FINOLA autoencoder on a narrow CIFAR-style ResNet-18 (32 px -> 4x4x128).
# Swap the encoder by replacing `backbone`; set C with neck.channels and the
# number of paths with neck.num_paths.
model = dict(
    type='FINOLAAutoencoder',
    backbone=dict(type='ResNet_CIFAR', depth=18, stem_channels=16,
                  base_channels=16, out_indices=(3, )),
    neck=dict(
        type='FINOLANeck', in_channels=128, channels=512, num_paths=1,
        latent_size=8, img_size=32, decoder_channels=(64, 32, 16),
        pool_heads=8,
        finola_cfg=dict(negative_steps='mirror', axis_order='yx',
                        aggregation='sum')),
    head=dict(type='PixelReconstructionHead',
              loss=dict(type='PixelReconstructionLoss', criterion='L2')))
