# ImageNet-1K 224 px for block-wise Masked FINOLA: one random visible
# quadrant of the 14x14 grid of 16 px patches.
_base_ = './imagenet_224px_mim.py'

mask_generator = dict(type='QuadrantMaskGenerator', input_size=224,
                      model_patch_size=16, quadrant='random')
# the _mim base's pipeline with this mask generator in place of its own
# (the step before packing)
train_pipeline = [*_base_.train_pipeline[:-2], mask_generator,
                  _base_.train_pipeline[-1]]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
