# The masked-pretraining runtime for epoch-based (ImageNet) schedules:
# a checkpoint every epoch, logs every 100 iterations.
_base_ = './mim_runtime.py'

default_hooks = dict(
    checkpoint=dict(type='CheckpointHook', interval=1, by_epoch=True,
                    max_keep_ckpts=3, save_last=True),
    logger=dict(type='LoggerHook', interval=100))
log_processor = dict(by_epoch=True)
custom_hooks = [
    dict(type='MaskedReconstructionVisHook', interval=5000, num_images=8)]
