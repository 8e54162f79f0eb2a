# MMSegmentation's runtime and 160k-iteration schedule (with its hooks),
# finola_mm's modules, and the guards, keyed in default_hooks so that a
# config which sets its own hooks keeps them (configs/_base_/default_runtime.py).
_base_ = [
    'mmseg::_base_/default_runtime.py',
    'mmseg::_base_/schedules/schedule_160k.py',
]
custom_imports = dict(
    imports=['finola_mm', 'finola_mm.downstream.segmentation'],
    allow_failed_imports=False)
default_hooks = dict(
    seg_backbone_head_check=dict(type='mmpretrain.SegBackboneHeadCheckHook'),
    checkpoint_compat=dict(type='mmpretrain.CheckpointCompatibilityHook'),
    non_finite_guard=dict(type='mmpretrain.NonFiniteGuardHook'),
    preemption=dict(type='mmpretrain.PreemptionHook'))
