# The 32 px ViT encoder every method shares: 4 layers, width 128, patch 4
# (8x8 tokens). Each method's config sets only the backbone type (MAEViT,
# SimMIMViT, VisibleTokenViT, BlockMaskedViT) and its own options.
model = dict(
    backbone=dict(
        arch=dict(embed_dims=128, num_layers=4, num_heads=4,
                  feedforward_channels=512),
        img_size=32,
        patch_size=4))
