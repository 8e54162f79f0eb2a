# CIFAR-10 32 px for block-wise Masked FINOLA: one visible quadrant of the
# 8x8 patch grid, drawn at random per image.
_base_ = './cifar10_32px_mim.py'

mask_generator = dict(type='QuadrantMaskGenerator', input_size=32,
                      model_patch_size=4, quadrant='random')
train_pipeline = [{{_base_.load}}, {{_base_.crop}}, {{_base_.flip}},
                  mask_generator, {{_base_.pack}}]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
