# The main job: FINOLA autoencoder, C=512, one path, 4x4 latent, on
# Fashion-MNIST 32 px; 2k iterations of batch 64 (about 4 min on 2 CPU
# cores). Defaults and their ablation: docs/finola_training.md.
_base_ = [
    '../_base_/models/finola-ae_conv-tiny.py',
    '../_base_/datasets/fashion_mnist_32px.py',
    '../_base_/schedules/adamw_cosine_2k.py',
    '../_base_/default_runtime.py',
]
default_hooks = dict(checkpoint=dict(interval=1000))
