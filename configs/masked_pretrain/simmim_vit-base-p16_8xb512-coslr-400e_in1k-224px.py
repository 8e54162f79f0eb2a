# SimMIM baseline, ViT-B/16: mask-token replacement, linear decoder, L1.
_base_ = [
    '../_base_/models/vit-base-p16_224px.py',
    '../_base_/datasets/imagenet_224px_mim.py',
    '../_base_/schedules/mim_adamw_coslr_400e.py',
    '../_base_/mim_runtime_epochs.py',
]
model = dict(
    type='SimMIM',
    backbone=dict(type='SimMIMViT', out_type='featmap', with_cls_token=False,
                  mae_init=True),  # MAE's encoder init, sin-cos positions
    neck=dict(type='SimMIMLinearDecoder', in_channels=768, encoder_stride=16),
    head=dict(type='SimMIMHead', patch_size=16,
              loss=dict(type='PixelReconstructionLoss', criterion='L1',
                        channel=3)))
