# Block-wise Masked FINOLA on the tiny Mobile-Former: the encoder sees only the
# visible 16 px quadrant. At 32 px its stride-32 map is 1x1, resized to the
# 4x4 quadrant latent (docs/masked_pretraining.md); at 224 px it is 4x4.
_base_ = [
    '../_base_/models/mobile-former-tiny_32px.py',
    '../_base_/datasets/fashion_mnist_32px_quadrant.py',
    '../_base_/schedules/mim_adamw_cosine_1k.py',
    '../_base_/mim_runtime.py',
]
model = dict(
    type='MaskedFINOLA',
    backbone=dict(type='BlockMaskedMobileFormer'),
    neck=dict(type='BlockFINOLANeck', in_channels=48, channels=256,
              num_paths=1, latent_size=8, img_size=32,
              decoder_channels=(64, 32, 16),
              decoder_cfg=dict(num_res_blocks=0),  # light, as MAE's
              finola_cfg=dict(negative_steps='mirror', axis_order='xy')),
    head=dict(type='PixelReconstructionHead', norm_pix=True, patch_size=4,
              loss=dict(type='PixelReconstructionLoss', criterion='L2',
                        channel=3)))
