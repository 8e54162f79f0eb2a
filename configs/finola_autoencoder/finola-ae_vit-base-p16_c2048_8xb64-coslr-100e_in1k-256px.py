# ViT-B/16 encoder (16x16 tokens at 256 px), C=2048, 16x16 latent.
_base_ = './finola-ae_resnet50_c2048_8xb64-coslr-100e_in1k-256px.py'
model = dict(
    backbone=dict(_delete_=True, type='VisionTransformer', arch='b',
                  img_size=256, patch_size=16, out_type='featmap',
                  with_cls_token=False, drop_path_rate=0.1),
    neck=dict(in_channels=768, pool_heads=12))
