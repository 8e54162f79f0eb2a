# The recommended element-wise Masked FINOLA (8 pool queries, raw pixels,
# one decoder residual block, 60% masked) on CIFAR-10, 2,000 iterations.
# CHOSEN ON THE FASHION-MNIST TEST SPLIT, not on CIFAR-10 validation: see
# the model base.
_base_ = [
    '../_base_/models/masked-finola-e-recommended_vit-tiny-p4_32px.py',
    '../_base_/datasets/cifar10_32px_mim60.py',
    '../_base_/schedules/mim_adamw_cosine_2k.py',
    '../_base_/mim_runtime.py',
]
