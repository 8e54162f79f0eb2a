# End-to-end fine-tuning of a 32 px tiny ViT with layer-wise LR decay
# (MMPretrain's LearningRateDecayOptimWrapperConstructor, MAE's recipe:
# AdamW, label smoothing, drop path, warm-up + cosine), 2k iterations, top-1.
# Choice: the pretrained final norm is kept and the normed tokens are
# averaged (out_type='featmap' + GAP) so every encoder weight comes from the
# checkpoint; MAE's recipe instead adds a fresh norm after pooling.
# The schedule is the 2k-iteration one (../schedules/adamw_cosine_2k.py)
# with these changes; the runtime is the default one without pictures. Leaf
# configs add the data (batch 128).
_base_ = [
    '../models/vit-tiny-p4_32px.py',
    '../schedules/adamw_cosine_2k.py',
    '../default_runtime.py',
]
custom_hooks = []  # a classifier: no reconstruction pictures
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
    optimizer=dict(betas=(0.9, 0.999)),
    constructor='LearningRateDecayOptimWrapperConstructor',
    paramwise_cfg=dict(
        layer_decay_rate=0.75,  # 4 layers: the embedding gets 0.75^5 of lr
        custom_keys={'_delete_': True,
                     '.ln': dict(decay_mult=0.), '.bias': dict(decay_mult=0.),
                     '.pos_embed': dict(decay_mult=0.)}))
param_scheduler = [_base_.param_scheduler[0],
                   dict(_base_.param_scheduler[1], eta_min=1e-6)]
auto_scale_lr = dict(base_batch_size=128)
