# The 2k-iteration AdamW + cosine schedule for 32 px masked pretraining
# (warm-up 100; no validation loop): the CPU budget of the comparison,
# 2,000 iterations of 64.
_base_ = './mim_adamw_cosine_1k.py'

max_iters, warmup_iters = 2000, 100
param_scheduler = [
    dict(_base_.param_scheduler[0], end=warmup_iters),
    dict(_base_.param_scheduler[1], begin=warmup_iters, end=max_iters)]
train_cfg = dict(max_iters=max_iters)
