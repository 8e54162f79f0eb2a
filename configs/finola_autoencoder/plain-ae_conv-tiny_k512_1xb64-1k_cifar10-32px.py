# The plain conv autoencoder anchor (k=512) on CIFAR-10 32 px, the anchor
# that psnr_vs_c trains beside FINOLA at every C (k = C).
_base_ = [
    '../_base_/models/plain-ae_conv-tiny.py',
    '../_base_/datasets/cifar10_32px.py',
    '../_base_/schedules/adamw_cosine_iters.py',
    '../_base_/default_runtime.py',
]
