# SimMIM baseline on the tiny Mobile-Former (MMPretrain's SimMIM, neck, head).
_base_ = [
    '../_base_/models/mobile-former-tiny_32px.py',
    '../_base_/datasets/fashion_mnist_32px_mim.py',
    '../_base_/schedules/mim_adamw_cosine_1k.py',
    '../_base_/mim_runtime.py',
]
model = dict(
    type='SimMIM',
    backbone=dict(type='SimMIMMobileFormer'),
    neck=dict(type='SimMIMLinearDecoder', in_channels=48, encoder_stride=32),
    head=dict(type='SimMIMHead', patch_size=4,
              loss=dict(type='PixelReconstructionLoss', criterion='L1',
                        channel=3)))
