# Element-wise Masked FINOLA, ViT-B/16, ImageNet-1K 224 px, MAE's 400-epoch
# schedule (add --amp on GPUs). q = 4 paths x 1024 grows a 14x14 map.
_base_ = [
    '../_base_/models/vit-base-p16_224px.py',
    '../_base_/datasets/imagenet_224px_mim.py',
    '../_base_/schedules/mim_adamw_coslr_400e.py',
    '../_base_/mim_runtime_epochs.py',
]
model = dict(
    type='MaskedFINOLA',
    backbone=dict(type='VisibleTokenViT', out_type='featmap',
                  with_cls_token=False,
                  mae_init=True),  # MAE's encoder init, sin-cos positions
    neck=dict(type='FINOLANeck', in_channels=768, channels=1024, num_paths=4,
              latent_size=14, img_size=224,
              decoder_channels=(256, 128, 64, 32, 16),
              decoder_cfg=dict(num_res_blocks=0),  # light, as MAE's
              finola_cfg=dict(negative_steps='mirror', axis_order='yx')),
    head=dict(type='PixelReconstructionHead', norm_pix=True, patch_size=16,
              loss=dict(type='PixelReconstructionLoss', criterion='L2',
                        channel=3)))
