# SimMIM (MMPretrain's algorithm, neck and head) on the shared 32 px tiny
# ViT: masked patches become a learned mask token, a linear decoder predicts
# their pixels (L1). The mask comes from the data pipeline.
_base_ = './vit-tiny-p4_32px.py'
model = dict(
    type='SimMIM',
    backbone=dict(type='SimMIMViT', out_type='featmap', with_cls_token=False,
                  mae_init=True),  # MAE's encoder init, sin-cos positions
    neck=dict(type='SimMIMLinearDecoder', in_channels=128, encoder_stride=4),
    head=dict(type='SimMIMHead', patch_size=4,
              loss=dict(type='PixelReconstructionLoss', criterion='L1',
                        channel=3)))
