# Linear probing of a pretrained 32 px tiny ViT on Fashion-MNIST (the recipe:
# _base_/recipes/linear-probe_vit-tiny-p4_500it.py). Point it at a
# pretraining checkpoint of any method with
#   tools/train.py CONFIG --pretrained work_dirs/.../iter_1000.pth
# which sets init_cfg=dict(type='Pretrained', checkpoint=..., prefix=
# 'backbone.'); without it the encoder stays random (the control).
_base_ = [
    '../_base_/recipes/linear-probe_vit-tiny-p4_500it.py',
    '../_base_/datasets/fashion_mnist_32px_cls.py',
]
