# The AdamW + warm-up + cosine schedule stretched to 2k iterations (warm-up
# 100): the main job's.
_base_ = './adamw_cosine_iters.py'

max_iters, warmup_iters = 2000, 100
param_scheduler = [
    dict(_base_.param_scheduler[0], end=warmup_iters),
    dict(_base_.param_scheduler[1], begin=warmup_iters, end=max_iters)]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
