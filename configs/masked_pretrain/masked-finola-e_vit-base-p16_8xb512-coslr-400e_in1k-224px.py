# Element-wise Masked FINOLA, ViT-B/16, ImageNet-1K 224 px, MAE's 400-epoch
# schedule (add --amp on GPUs). q = 4 paths x 1024 grows a 14x14 map.
_base_ = [
    '../_base_/models/masked-finola-e_vit-base-p16_224px.py',
    '../_base_/datasets/imagenet_224px_mim.py',
    '../_base_/schedules/mim_adamw_coslr_400e.py',
    '../_base_/mim_runtime_epochs.py',
]
