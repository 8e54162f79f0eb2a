# Linear probing of a pretrained 32 px tiny ViT on CIFAR-10: trains on the
# `train` split, validates on `val`; tools/test.py scores the test images.
#   tools/train.py CONFIG --pretrained work_dirs/.../iter_2000.pth
_base_ = [
    '../_base_/recipes/linear-probe_vit-tiny-p4_500it.py',
    '../_base_/datasets/cifar10_32px_cls.py',
]
