# SimMIM baseline on the tiny Mobile-Former (MMPretrain's SimMIM, neck, head),
# Fashion-MNIST.
_base_ = [
    '../_base_/models/simmim_mobile-former-tiny_32px.py',
    '../_base_/datasets/fashion_mnist_32px_mim.py',
    '../_base_/schedules/mim_adamw_cosine_1k.py',
    '../_base_/mim_runtime.py',
]
