_base_ = 'mmpretrain::_base_/default_runtime.py'

# Registers finola_mm's modules; lets MMPretrain's own tools/train.py run
# these configs too.
custom_imports = dict(imports=['finola_mm'], allow_failed_imports=False)

# The guards every config inherits. They are keyed in default_hooks, so a
# config that sets its own default_hooks or custom_hooks keeps them; opt out
# with e.g. --cfg-options default_hooks.non_finite_guard=None (finola_mm's
# tools/train.py drops such keys).
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50),
    checkpoint=dict(type='CheckpointHook', interval=500, by_epoch=False,
                    max_keep_ckpts=2, save_last=True),
    checkpoint_compat=dict(type='CheckpointCompatibilityHook'),
    non_finite_guard=dict(type='NonFiniteGuardHook'),
    # SIGTERM / SIGUSR1 (Slurm preemption): checkpoint, exit 0, --resume
    preemption=dict(type='PreemptionHook'))
custom_hooks = [dict(type='ReconstructionVisHook', num_images=16, nrow=8)]
log_processor = dict(by_epoch=False)
randomness = dict(seed=0, diff_rank_seed=True)
