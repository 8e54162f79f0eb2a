# The 1k-iteration AdamW + cosine schedule for 32 px masked pretraining
# (no validation loop: pictures come from MaskedReconstructionVisHook).
_base_ = './adamw_cosine_iters.py'

optim_wrapper = dict(paramwise_cfg=dict(custom_keys={
    'pos_embed': dict(decay_mult=0.),
    'mask_token': dict(decay_mult=0.),
    'cls_token': dict(decay_mult=0.)}))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=1000)
val_cfg = test_cfg = None
