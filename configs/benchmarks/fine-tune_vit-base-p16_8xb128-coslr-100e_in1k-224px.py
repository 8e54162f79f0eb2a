# Fine-tuning a pretrained ViT-B/16 on ImageNet-1K: MMPretrain's MAE recipe
# (AdamW 2e-3 for 8x128, layer decay 0.65, RandAugment, Mixup/CutMix, label
# smoothing, drop path 0.1, 100 epochs). As in the 32 px recipe the final
# norm is pretrained and the normed tokens are averaged, so every encoder
# weight comes from the checkpoint. --pretrained CKPT; --amp on GPUs.
_base_ = 'mmpretrain::mae/benchmarks/vit-base-p16_8xb128-coslr-100e_in1k.py'
train_pipeline = [
    dict(type='CheckedLoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=224, backend='pillow',
         interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandAugment', policies='timm_increasing', num_policies=2,
         total_level=10, magnitude_level=9, magnitude_std=0.5,
         hparams=dict(pad_val=[104, 116, 124], interpolation='bicubic')),
    dict(type='RandomErasing', erase_prob=0.25, mode='rand',
         min_area_ratio=0.02, max_area_ratio=1 / 3,
         fill_color=[103.53, 116.28, 123.675],
         fill_std=[57.375, 57.12, 58.395]),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='CheckedLoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short', backend='pillow',
         interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
model = dict(
    backbone=dict(out_type='featmap', with_cls_token=False, final_norm=True,
                  init_cfg=None),
    neck=dict(_delete_=True, type='GlobalAveragePooling'))
optim_wrapper = dict(type='OptimWrapper')  # tools/train.py --amp for GPUs
# MMPretrain's MAE benchmark brings its own runtime: the guards join its
# default_hooks by key (see configs/_base_/default_runtime.py)
default_hooks = dict(
    checkpoint_compat=dict(type='CheckpointCompatibilityHook'),
    non_finite_guard=dict(type='NonFiniteGuardHook'),
    preemption=dict(type='PreemptionHook'))
