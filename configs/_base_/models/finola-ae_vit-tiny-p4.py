# The ResNet model base with a 4-layer ViT encoder for 32 px (patch 4 ->
# 8x8x128 tokens, the same width the neck expects).
_base_ = './finola-ae_resnet-cifar-tiny.py'
model = dict(
    backbone=dict(
        _delete_=True,
        type='VisionTransformer',
        arch=dict(embed_dims=128, num_layers=4, num_heads=4,
                  feedforward_channels=512),
        img_size=32,
        patch_size=4,
        out_type='featmap',
        with_cls_token=False))
