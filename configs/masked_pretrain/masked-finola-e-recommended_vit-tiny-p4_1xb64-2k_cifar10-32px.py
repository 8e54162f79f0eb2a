# The recommended element-wise Masked FINOLA (8 pool queries, raw pixels,
# one decoder residual block, 60% masked) on CIFAR-10, 2,000 iterations.
# CHOSEN ON THE FASHION-MNIST TEST SPLIT, not on CIFAR-10 validation: see
# the model base.
_base_ = [
    '../_base_/models/masked-finola-e-recommended_vit-tiny-p4_32px.py',
    '../_base_/datasets/cifar10_32px_mim.py',
    '../_base_/schedules/mim_adamw_cosine_2k.py',
    '../_base_/mim_runtime.py',
]
mask_generator = dict(type='PatchMaskGenerator', input_size=32,
                      mask_patch_size=4, model_patch_size=4, mask_ratio=0.6)
train_dataloader = dict(dataset=dict(pipeline=[
    {{_base_.load}}, {{_base_.crop}}, {{_base_.flip}}, mask_generator,
    {{_base_.pack}}]))
