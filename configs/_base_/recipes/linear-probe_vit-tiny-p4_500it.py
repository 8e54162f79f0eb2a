# Linear probing of a pretrained 32 px tiny ViT (MAE's protocol): frozen
# encoder (all 4 layers and the final norm), average-pooled tokens, a
# BatchNorm without affine, and a linear classifier; SGD, warm-up + cosine,
# 500 iterations; top-1 / top-5; the default runtime without pictures.
# Leaf configs add the data.
_base_ = ['../models/vit-tiny-p4_32px.py', '../default_runtime.py']
custom_hooks = []  # a classifier: no reconstruction pictures
model = dict(
    type='ImageClassifier',
    backbone=dict(
        type='VisionTransformer',
        out_type='featmap',  # avg_featmap would add an untrained ln2
        with_cls_token=False,
        final_norm=True,
        frozen_stages=4,
        init_cfg=None),
    neck=[dict(type='GlobalAveragePooling'),
          dict(type='ClsBatchNormNeck', input_features=128)],
    head=dict(type='LinearClsHead', num_classes=10, in_channels=128,
              loss=dict(type='CrossEntropyLoss'), topk=(1, 5),
              init_cfg=dict(type='TruncNormal', layer='Linear', std=0.01)))
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=0.))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0,
         end=25),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=25, end=500,
         eta_min=0.)
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=500, val_interval=500)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=256)
