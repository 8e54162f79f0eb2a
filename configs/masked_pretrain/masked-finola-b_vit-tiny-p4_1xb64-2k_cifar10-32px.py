# Block-wise Masked FINOLA (one random visible quadrant) on the shared 32 px tiny ViT,
# CIFAR-10 (data/cifar10, prepared by tools/data/prepare_cifar10.py; the
# `train` split), 2,000 iterations of 64.
_base_ = [
    '../_base_/models/masked-finola-b_vit-tiny-p4_32px.py',
    '../_base_/datasets/cifar10_32px_quadrant.py',
    '../_base_/schedules/mim_adamw_cosine_2k.py',
    '../_base_/mim_runtime.py',
]
