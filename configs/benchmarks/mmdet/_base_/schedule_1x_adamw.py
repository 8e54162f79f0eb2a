# MMDetection's 1x schedule (12 epochs, LR steps at 8 and 11) and runtime
# with AdamW as ViTDet (no layer-wise decay; norms, biases and pos_embed
# undecayed), for the COCO configs in ../coco/.
_base_ = ['mmdet::_base_/schedules/schedule_1x.py', './default_runtime.py']
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-4, betas=(0.9, 0.999),
                   weight_decay=0.1),
    paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.,
                       custom_keys={'pos_embed': dict(decay_mult=0.)}))
