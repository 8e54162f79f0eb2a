# The main job: FINOLA autoencoder, C=512, one path, 8x8 latent, on
# Fashion-MNIST 32 px; 1k iterations of batch 64 (about 9 min on 2 CPU cores).
_base_ = [
    '../_base_/models/finola-ae_resnet-cifar-tiny.py',
    '../_base_/datasets/fashion_mnist_32px.py',
    '../_base_/schedules/adamw_cosine_iters.py',
    '../_base_/default_runtime.py',
]
