# Block-wise Masked FINOLA on the shared 32 px tiny ViT: the encoder sees one
# quadrant (4x4 of 8x8 patches; the data pipeline's QuadrantMaskGenerator
# picks it); each visible latent predicts its partners in the three masked
# quadrants by FINOLA steps; the loss is on the masked pixels.
_base_ = './vit-tiny-p4_32px.py'
model = dict(
    type='MaskedFINOLA',
    backbone=dict(type='BlockMaskedViT', out_type='featmap',
                  with_cls_token=False,
                  mae_init=True),  # MAE's encoder init, sin-cos positions
    neck=dict(type='BlockFINOLANeck', in_channels=128, channels=256,
              num_paths=1, latent_size=8, img_size=32,
              decoder_channels=(64, 32, 16),
              decoder_cfg=dict(num_res_blocks=0),  # light, as MAE's
              finola_cfg=dict(negative_steps='mirror', axis_order='xy')),
    head=dict(type='PixelReconstructionHead', norm_pix=True, patch_size=4,
              loss=dict(type='PixelReconstructionLoss', criterion='L2',
                        channel=3)))
