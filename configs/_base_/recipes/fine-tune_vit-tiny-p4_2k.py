# End-to-end fine-tuning of a 32 px tiny ViT with layer-wise LR decay
# (MMPretrain's LearningRateDecayOptimWrapperConstructor, MAE's recipe:
# AdamW, label smoothing, drop path, warm-up + cosine), 2k iterations, top-1.
# Choice: the pretrained final norm is kept and the normed tokens are
# averaged (out_type='featmap' + GAP) so every encoder weight comes from the
# checkpoint; MAE's recipe instead adds a fresh norm after pooling.
# Leaf configs add the data (batch 128) and runtime.
_base_ = '../models/vit-tiny-p4_32px.py'
max_iters, warmup_iters = 2000, 100
model = dict(
    type='ImageClassifier',
    backbone=dict(type='VisionTransformer', out_type='featmap',
                  with_cls_token=False, final_norm=True, drop_path_rate=0.1,
                  init_cfg=None),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=10, in_channels=128,
              loss=dict(type='LabelSmoothLoss', label_smooth_val=0.1,
                        mode='original'),
              topk=(1, 5),
              init_cfg=dict(type='TruncNormal', layer='Linear', std=2e-5)))
optim_wrapper = dict(
    type='OptimWrapper',  # tools/train.py --amp switches to AmpOptimWrapper
    optimizer=dict(type='AdamW', lr=1e-3, betas=(0.9, 0.999),
                   weight_decay=0.05),
    constructor='LearningRateDecayOptimWrapperConstructor',
    paramwise_cfg=dict(
        layer_decay_rate=0.75,  # 4 layers: the embedding gets 0.75^5 of lr
        custom_keys={'.ln': dict(decay_mult=0.), '.bias': dict(decay_mult=0.),
                     '.pos_embed': dict(decay_mult=0.)}))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0,
         end=warmup_iters),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=warmup_iters,
         end=max_iters, eta_min=1e-6),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters,
                 val_interval=max_iters)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=128)
