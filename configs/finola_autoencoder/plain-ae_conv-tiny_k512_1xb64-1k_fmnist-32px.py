# The plain conv autoencoder with a 512-dim bottleneck: the anchor that
# tools/benchmarks/psnr_vs_c.py trains beside FINOLA at every C (k = C).
_base_ = [
    '../_base_/models/plain-ae_conv-tiny.py',
    '../_base_/datasets/fashion_mnist_32px.py',
    '../_base_/schedules/adamw_cosine_iters.py',
    '../_base_/default_runtime.py',
]
