# Block-wise Masked FINOLA on the tiny Mobile-Former, Fashion-MNIST: the
# encoder sees only the visible 16 px quadrant (one random quadrant per
# image).
_base_ = [
    '../_base_/models/masked-finola-b_mobile-former-tiny_32px.py',
    '../_base_/datasets/fashion_mnist_32px_quadrant.py',
    '../_base_/schedules/mim_adamw_cosine_1k.py',
    '../_base_/mim_runtime.py',
]
