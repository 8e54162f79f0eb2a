# Your own images at 32 px for block-wise Masked FINOLA: one random visible
# quadrant of the 8x8 patch grid (image_folder_32px_mim.py says the rest).
_base_ = './image_folder_32px_mim.py'

mask_generator = dict(type='QuadrantMaskGenerator', input_size=32,
                      model_patch_size=4, quadrant='random')
# the _mim base's pipeline with this mask generator in place of its own
# (the step before packing)
train_pipeline = [*_base_.train_pipeline[:-2], mask_generator, _base_.pack]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
