# ViT-B/16 at 224 px (14x14 tokens), shared by every method.
model = dict(backbone=dict(arch='b', img_size=224, patch_size=16))
