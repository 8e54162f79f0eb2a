# The 1k-iteration AdamW + cosine schedule for 32 px masked pretraining
# (no validation loop: pictures come from MaskedReconstructionVisHook), also
# without weight decay on the position, mask and class tokens.
_base_ = './adamw_cosine_iters.py'

optim_wrapper = dict(paramwise_cfg=dict(custom_keys={
    key: dict(decay_mult=0.)
    for key in ('pos_embed', 'mask_token', 'cls_token')}))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=1000)
val_cfg = test_cfg = None
