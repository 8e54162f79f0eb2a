# The main job: FINOLA autoencoder, C=512, one path, 4x4 latent, on
# Fashion-MNIST 32 px; 2k iterations of batch 64 (about 4 min on 2 CPU
# cores). Defaults and their ablation: docs/finola_training.md.
_base_ = [
    '../_base_/models/finola-ae_conv-tiny.py',
    '../_base_/datasets/fashion_mnist_32px.py',
    '../_base_/schedules/adamw_cosine_iters.py',
    '../_base_/default_runtime.py',
]
max_iters = 2000
warmup_iters = 100
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0,
         end=warmup_iters),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=warmup_iters,
         end=max_iters, eta_min=1e-5),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters,
                 val_interval=max_iters)
default_hooks = dict(checkpoint=dict(interval=1000))
