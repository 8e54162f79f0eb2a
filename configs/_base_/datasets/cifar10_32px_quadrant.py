# CIFAR-10 32 px for block-wise Masked FINOLA: one visible quadrant of the
# 8x8 patch grid, drawn at random per image.
_base_ = './cifar10_32px_mim.py'

mask_generator = dict(type='QuadrantMaskGenerator', input_size=32,
                      model_patch_size=4, quadrant='random')
# the _mim base's pipeline with this mask generator in place of its own
# (the step before packing)
train_pipeline = [*_base_.train_pipeline[:-2], mask_generator, _base_.pack]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
