# Element-wise Masked FINOLA on ViT-B/16 at 224 px: the 32 px model
# (masked-finola-e_vit-tiny-p4_32px.py) scaled up; q = 4 paths x 1024 grows
# a 14x14 latent map, decoded by five upsampling levels.
_base_ = './masked-finola-e_vit-tiny-p4_32px.py'
model = dict(
    backbone=dict(arch='b', img_size=224, patch_size=16),
    neck=dict(in_channels=768, channels=1024, num_paths=4, latent_size=14,
              img_size=224, decoder_channels=(256, 128, 64, 32, 16)),
    head=dict(patch_size=16))
