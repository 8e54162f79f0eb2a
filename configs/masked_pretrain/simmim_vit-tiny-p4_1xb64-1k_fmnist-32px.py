# SimMIM baseline (MMPretrain's SimMIM algorithm, neck and head) on the
# shared 32 px tiny ViT, Fashion-MNIST.
_base_ = [
    '../_base_/models/simmim_vit-tiny-p4_32px.py',
    '../_base_/datasets/fashion_mnist_32px_mim.py',
    '../_base_/schedules/mim_adamw_cosine_1k.py',
    '../_base_/mim_runtime.py',
]
