# The 2k-iteration AdamW + cosine schedule for 32 px masked pretraining
# (warm-up 100; no validation loop): the CPU budget of the comparison,
# 2,000 iterations of 64.
_base_ = './mim_adamw_cosine_1k.py'

max_iters, warmup_iters = 2000, 100
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0,
         end=warmup_iters),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=warmup_iters,
         end=max_iters, eta_min=1e-5),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters)
