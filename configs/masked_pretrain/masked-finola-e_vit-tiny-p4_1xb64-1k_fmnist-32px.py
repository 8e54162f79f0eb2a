# Element-wise Masked FINOLA on the 32 px tiny ViT, Fashion-MNIST (75% of
# the 4 px patches masked).
_base_ = [
    '../_base_/models/masked-finola-e_vit-tiny-p4_32px.py',
    '../_base_/datasets/fashion_mnist_32px_mim.py',
    '../_base_/schedules/mim_adamw_cosine_1k.py',
    '../_base_/mim_runtime.py',
]
