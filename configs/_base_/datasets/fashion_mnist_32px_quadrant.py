# Fashion-MNIST 32 px for block-wise Masked FINOLA: one visible quadrant of
# the 8x8 patch grid, drawn at random per image (docs/choices.md).
_base_ = './fashion_mnist_32px_mim.py'

mask_generator = dict(type='QuadrantMaskGenerator', input_size=32,
                      model_patch_size=4, quadrant='random')
train_pipeline = [
    dict(type='Resize', scale=(32, 32), interpolation='bicubic'),
    dict(type='GrayToRGB'),
    dict(type='RandomFlip', prob=0.5),
    mask_generator,
    dict(type='PackInputs'),  # packs 'mask' as a tensor by default
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
