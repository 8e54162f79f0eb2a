# Element-wise Masked FINOLA on the shared 32 px tiny ViT: the encoder sees
# only the visible patches (the mask comes from the data pipeline), pools
# them to q (M*C = 256), FINOLA regrows the 8x8 latent map, the decoder
# reconstructs; the loss is on the masked pixels.
_base_ = './vit-tiny-p4_32px.py'
model = dict(
    type='MaskedFINOLA',
    backbone=dict(type='VisibleTokenViT', out_type='featmap',
                  with_cls_token=False,
                  mae_init=True),  # MAE's encoder init, sin-cos positions
    neck=dict(type='FINOLANeck', in_channels=128, channels=256, num_paths=1,
              latent_size=8, img_size=32, decoder_channels=(64, 32, 16),
              decoder_cfg=dict(num_res_blocks=0),  # light, as MAE's
              finola_cfg=dict(negative_steps='mirror', axis_order='yx')),
    head=dict(type='PixelReconstructionHead', norm_pix=True, patch_size=4,
              loss=dict(type='PixelReconstructionLoss', criterion='L2',
                        channel=3)))
