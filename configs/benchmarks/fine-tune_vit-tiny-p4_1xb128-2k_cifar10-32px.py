# End-to-end fine-tuning of a pretrained 32 px tiny ViT on CIFAR-10 (crops
# and flips as MMPretrain's CIFAR recipe): `train` split, validated on
# `val`; tools/test.py scores the test images.
#   tools/train.py CONFIG --pretrained work_dirs/.../iter_2000.pth
_base_ = [
    '../_base_/recipes/fine-tune_vit-tiny-p4_2k.py',
    '../_base_/datasets/cifar10_32px_cls.py',
]
train_dataloader = dict(batch_size=128)
