# End-to-end fine-tuning of a pretrained 32 px tiny ViT on Fashion-MNIST
# (the recipe: _base_/recipes/fine-tune_vit-tiny-p4_2k.py).
#   tools/train.py CONFIG --pretrained work_dirs/.../iter_1000.pth
_base_ = [
    '../_base_/recipes/fine-tune_vit-tiny-p4_2k.py',
    '../_base_/datasets/fashion_mnist_32px_cls.py',
]
train_dataloader = dict(batch_size=128)
