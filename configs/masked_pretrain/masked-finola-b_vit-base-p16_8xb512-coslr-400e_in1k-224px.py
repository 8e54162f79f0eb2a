# Block-wise Masked FINOLA, ViT-B/16, ImageNet-1K 224 px: a random visible
# 7x7 quadrant of the 14x14 patch grid predicts the other three.
_base_ = [
    '../_base_/models/masked-finola-b_vit-base-p16_224px.py',
    '../_base_/datasets/imagenet_224px_quadrant.py',
    '../_base_/schedules/mim_adamw_coslr_400e.py',
    '../_base_/mim_runtime_epochs.py',
]
