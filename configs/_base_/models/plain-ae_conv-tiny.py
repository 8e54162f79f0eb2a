# The plain convolutional autoencoder, the anchor for the FINOLA autoencoder
# (docs/method.md section 4): three stride-2 conv-BN-GELU blocks (32, 64, 128) to
# 4x4x128, a Linear to a k-dim bottleneck, a Linear back to 4x4x128, and
# three upsample-conv-BN-GELU blocks. Set k with neck.bottleneck.
model = dict(
    type='Autoencoder',
    backbone=dict(type='ConvEncoder', channels=(32, 64, 128)),
    neck=dict(
        type='LinearBottleneckNeck', in_channels=128, feat_size=4,
        bottleneck=512, latent_channels=128, latent_size=4, img_size=32,
        decoder_channels=(128, 64, 32, 32),
        decoder_cfg=dict(num_res_blocks=0, upsample_norm_act=True)),
    head=dict(type='PixelReconstructionHead',
              loss=dict(type='PixelReconstructionLoss', criterion='L2')))
