# The main job: FINOLA autoencoder, C=512, one path, 4x4 latent, on
# Fashion-MNIST 32 px; 1k iterations of batch 64.
_base_ = [
    '../_base_/models/finola-ae_conv-tiny.py',
    '../_base_/datasets/fashion_mnist_32px.py',
    '../_base_/schedules/adamw_cosine_iters.py',
    '../_base_/default_runtime.py',
]
