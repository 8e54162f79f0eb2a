# SimMIM baseline, ViT-B/16: mask-token replacement, linear decoder, L1.
_base_ = [
    '../_base_/models/simmim_vit-base-p16_224px.py',
    '../_base_/datasets/imagenet_224px_mim.py',
    '../_base_/schedules/mim_adamw_coslr_400e.py',
    '../_base_/mim_runtime_epochs.py',
]
