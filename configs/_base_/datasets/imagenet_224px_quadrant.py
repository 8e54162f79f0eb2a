# ImageNet-1K 224 px for block-wise Masked FINOLA: one random visible
# quadrant of the 14x14 grid of 16 px patches.
_base_ = './imagenet_224px_mim.py'

mask_generator = dict(type='QuadrantMaskGenerator', input_size=224,
                      model_patch_size=16, quadrant='random')
train_pipeline = [
    dict(type='CheckedLoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=224, crop_ratio_range=(0.2, 1.0),
         backend='pillow', interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5),
    mask_generator,
    dict(type='PackInputs'),  # packs 'mask' as a tensor by default
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
