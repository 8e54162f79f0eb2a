# SimMIM baseline, Mobile-Former-508M, ImageNet-1K 224 px.
_base_ = [
    '../_base_/models/mobile-former-508m_224px.py',
    '../_base_/datasets/imagenet_224px_mim.py',
    '../_base_/schedules/mim_adamw_coslr_400e.py',
    '../_base_/mim_runtime_epochs.py',
]
model = dict(
    type='SimMIM',
    backbone=dict(type='SimMIMMobileFormer'),
    neck=dict(type='SimMIMLinearDecoder', in_channels=240, encoder_stride=32),
    head=dict(type='SimMIMHead', patch_size=16,
              loss=dict(type='PixelReconstructionLoss', criterion='L1',
                        channel=3)))
