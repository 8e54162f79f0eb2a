# MMDetection's runtime with finola_mm's modules and its guards, for every
# detection config here. The guards are keyed in default_hooks, so a config
# that sets its own hooks keeps them (see configs/_base_/default_runtime.py).
_base_ = 'mmdet::_base_/default_runtime.py'

custom_imports = dict(imports=['finola_mm', 'finola_mm.downstream.detection'],
                      allow_failed_imports=False)
default_hooks = dict(
    det_backbone_neck_check=dict(type='mmpretrain.DetBackboneNeckCheckHook'),
    checkpoint_compat=dict(type='mmpretrain.CheckpointCompatibilityHook'),
    non_finite_guard=dict(type='mmpretrain.NonFiniteGuardHook'),
    preemption=dict(type='mmpretrain.PreemptionHook'))
