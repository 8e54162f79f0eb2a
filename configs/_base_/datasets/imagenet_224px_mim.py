# ImageNet-1K at 224 px for masked image modelling (MMPretrain's MAE data
# recipe) with a random 75% mask of 16 px patches packed per sample.
_base_ = 'mmpretrain::_base_/datasets/imagenet_bs512_mae.py'

data_preprocessor = dict(
    type='SelfSupDataPreprocessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    to_rgb=True)
mask_generator = dict(type='PatchMaskGenerator', input_size=224,
                      mask_patch_size=16, model_patch_size=16,
                      mask_ratio=0.75)
train_pipeline = [
    dict(type='CheckedLoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=224, crop_ratio_range=(0.2, 1.0),
         backend='pillow', interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5),
    mask_generator,
    dict(type='PackInputs'),  # packs 'mask' as a tensor by default
]
# `collate_fn` is redefined: dicts inherited through `mmpretrain::` carry a
# `_scope_` key that MMEngine would pass to default_collate.
train_dataloader = dict(
    batch_size=512,
    collate_fn=dict(_delete_=True, type='default_collate'),
    dataset=dict(pipeline=train_pipeline))
