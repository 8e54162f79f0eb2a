# AdamW + linear warm-up + cosine decay, iteration based (docs/method.md: the
# paper's optimiser is not recoverable; this follows MMPretrain's MAE recipe).
# No weight decay on norms, biases and FINOLA's A and B.
max_iters = 1000
warmup_iters = 50
optim_wrapper = dict(
    type='OptimWrapper',  # tools/train.py --amp switches to AmpOptimWrapper
    optimizer=dict(type='AdamW', lr=1e-3, betas=(0.9, 0.95),
                   weight_decay=0.05),
    paramwise_cfg=dict(custom_keys={
        key: dict(decay_mult=0.)
        for key in ('norm', 'bias', 'finola.A', 'finola.B')}))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0,
         end=warmup_iters),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=warmup_iters,
         end=max_iters, eta_min=1e-5),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters,
                 val_interval=max_iters)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=64)
