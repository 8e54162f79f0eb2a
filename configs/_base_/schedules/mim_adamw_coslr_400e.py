# MMPretrain's MAE pretraining schedule (mae_vit-base-p16_8xb512-amp-coslr-
# 400e_in1k): AdamW, lr 1.5e-4 x 4096 / 256, 40 warm-up epochs, cosine.
# Shared by Masked FINOLA, MAE and SimMIM so the budgets match. Add --amp on
# GPUs (tools/train.py switches to AmpOptimWrapper).
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1.5e-4 * 4096 / 256, betas=(0.9, 0.95),
                   weight_decay=0.05),
    paramwise_cfg=dict(custom_keys={  # no weight decay on these
        key: dict(decay_mult=0.)
        for key in ('norm', 'bias', 'pos_embed', 'mask_token', 'cls_token',
                    'finola.A', 'finola.B')}))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-4, by_epoch=True, begin=0, end=40,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=360, by_epoch=True, begin=40,
         end=400, convert_to_iter_based=True),
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=400)
auto_scale_lr = dict(base_batch_size=4096)
