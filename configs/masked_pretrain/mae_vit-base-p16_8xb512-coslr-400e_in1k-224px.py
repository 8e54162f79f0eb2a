# MAE baseline, ViT-B/16, ImageNet-1K 224 px (MMPretrain's mae_vit-base-p16
# recipe), MAE's 400-epoch schedule (add --amp on GPUs).
_base_ = [
    '../_base_/models/mae_vit-base-p16_224px.py',
    '../_base_/datasets/imagenet_224px_mim.py',
    '../_base_/schedules/mim_adamw_coslr_400e.py',
    '../_base_/mim_runtime_epochs.py',
]
