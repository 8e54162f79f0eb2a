# Linear probing of a pretrained ViT-B/16 on ImageNet-1K: MMPretrain's MAE
# linear benchmark (LARS lr 6.4 for 8x2048, 90 epochs, BN without affine +
# linear) with the encoder read as averaged, final-normed tokens, so FINOLA,
# MAE and SimMIM checkpoints (with or without a class token) are probed the
# same way. Pass the checkpoint with --pretrained CKPT; --amp on GPUs.
_base_ = 'mmpretrain::mae/benchmarks/vit-base-p16_8xb2048-linear-coslr-90e_in1k.py'
train_pipeline = [
    dict(type='CheckedLoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=224, backend='pillow'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='CheckedLoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short', backend='pillow'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
model = dict(
    backbone=dict(out_type='featmap', with_cls_token=False, init_cfg=None),
    neck=[dict(type='GlobalAveragePooling'),
          dict(type='ClsBatchNormNeck', input_features=768)],
    head=dict(type='LinearClsHead'))
optim_wrapper = dict(type='OptimWrapper')  # tools/train.py --amp for GPUs
# MMPretrain's MAE benchmark brings its own runtime: the guards join its
# default_hooks by key (see configs/_base_/default_runtime.py)
default_hooks = dict(
    checkpoint_compat=dict(type='CheckpointCompatibilityHook'),
    non_finite_guard=dict(type='NonFiniteGuardHook'),
    preemption=dict(type='PreemptionHook'))
