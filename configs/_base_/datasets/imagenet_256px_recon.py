# ImageNet-1K at 256 px for reconstruction (needs the data in data_root,
# laid out as MMPretrain's ImageNet dataset expects).
_base_ = 'mmpretrain::_base_/datasets/imagenet_bs512_mae.py'

img_size = 256
train_pipeline = [
    dict(type='CheckedLoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=img_size, crop_ratio_range=(0.2, 1.0),
         backend='pillow', interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='CheckedLoadImageFromFile'),
    dict(type='ResizeEdge', scale=img_size, edge='short', backend='pillow',
         interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=img_size),
    dict(type='PackInputs'),
]
# `collate_fn` is redefined because dicts inherited through `mmpretrain::`
# carry a `_scope_` key that MMEngine would pass to default_collate.
train_dataloader = dict(
    batch_size=64,
    collate_fn=dict(_delete_=True, type='default_collate'),
    dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=64,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type='ImageNet', data_root='data/imagenet', split='val',
                 pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='PSNR')
test_evaluator = val_evaluator
