_base_ = 'mmpretrain::_base_/default_runtime.py'

# Registers finola_mm's modules; lets MMPretrain's own tools/train.py run
# these configs too.
custom_imports = dict(imports=['finola_mm'], allow_failed_imports=False)

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50),
    checkpoint=dict(type='CheckpointHook', interval=500, by_epoch=False,
                    max_keep_ckpts=2, save_last=True))
custom_hooks = [
    dict(type='CheckpointCompatibilityHook'),
    dict(type='NonFiniteGuardHook'),
    dict(type='ReconstructionVisHook', num_images=16, nrow=8),
]
log_processor = dict(by_epoch=False)
randomness = dict(seed=0, diff_rank_seed=True)
