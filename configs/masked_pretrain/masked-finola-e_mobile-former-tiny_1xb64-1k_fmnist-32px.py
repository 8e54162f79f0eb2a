# Element-wise Masked FINOLA on the tiny Mobile-Former, Fashion-MNIST: masked
# patches become a learned mask token after the stem; the stride-32 map is
# pooled to q.
_base_ = [
    '../_base_/models/masked-finola-e_mobile-former-tiny_32px.py',
    '../_base_/datasets/fashion_mnist_32px_mim.py',
    '../_base_/schedules/mim_adamw_cosine_1k.py',
    '../_base_/mim_runtime.py',
]
