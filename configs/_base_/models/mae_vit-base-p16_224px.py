# MAE (MMPretrain's mae_vit-base-p16 recipe) on ViT-B/16 at 224 px: the
# 32 px model (mae_vit-tiny-p4_32px.py) with the ViT-B encoder and
# MMPretrain's 8-layer, 512-wide decoder.
_base_ = './mae_vit-tiny-p4_32px.py'
model = dict(
    backbone=dict(arch='b', img_size=224, patch_size=16),
    neck=dict(_delete_=True, type='MAEPretrainDecoder', patch_size=16,
              in_chans=3, embed_dim=768, decoder_embed_dim=512,
              decoder_depth=8, decoder_num_heads=16, mlp_ratio=4.),
    head=dict(patch_size=16))
