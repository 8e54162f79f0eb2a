# Element-wise Masked FINOLA on the tiny Mobile-Former: masked patches become
# a learned mask token after the stem; the stride-32 map is pooled to q.
_base_ = [
    '../_base_/models/mobile-former-tiny_32px.py',
    '../_base_/datasets/fashion_mnist_32px_mim.py',
    '../_base_/schedules/mim_adamw_cosine_1k.py',
    '../_base_/mim_runtime.py',
]
model = dict(
    type='MaskedFINOLA',
    backbone=dict(type='SimMIMMobileFormer'),
    neck=dict(type='FINOLANeck', in_channels=48, channels=256, num_paths=1,
              latent_size=8, img_size=32, decoder_channels=(64, 32, 16),
              decoder_cfg=dict(num_res_blocks=0),  # light, as MAE's
              pool_heads=4,
              finola_cfg=dict(negative_steps='mirror', axis_order='yx')),
    head=dict(type='PixelReconstructionHead', norm_pix=True, patch_size=4,
              loss=dict(type='PixelReconstructionLoss', criterion='L2',
                        channel=3)))
