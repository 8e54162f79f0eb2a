# Block-wise Masked FINOLA on the 32 px tiny ViT, Fashion-MNIST (one random
# visible quadrant per image).
_base_ = [
    '../_base_/models/masked-finola-b_vit-tiny-p4_32px.py',
    '../_base_/datasets/fashion_mnist_32px_quadrant.py',
    '../_base_/schedules/mim_adamw_cosine_1k.py',
    '../_base_/mim_runtime.py',
]
