# Fashion-MNIST 32 px for masked image modelling: the reconstruction data
# plus a random patch mask packed into each data sample (as SimMIM's).
# Masking choice (docs/choices.md): MAE's 75% of model patches (4 px), shared
# by SimMIM and element-wise Masked FINOLA; MAE masks inside MAEViT at the
# same ratio and patch.
_base_ = './fashion_mnist_32px.py'

mask_generator = dict(type='PatchMaskGenerator', input_size=32,
                      mask_patch_size=4, model_patch_size=4, mask_ratio=0.75)
# the base's steps with the mask generator before packing ('mask' is packed
# as a tensor by default)
train_pipeline = [{{_base_.resize}}, {{_base_.gray_to_rgb}}, {{_base_.flip}},
                  mask_generator, {{_base_.pack}}]
# Pretraining reads the `train` split: the training images less the
# 5,000-image `val` split (finola_mm.datasets.splits), kept for choices.
train_dataloader = dict(dataset=dict(pipeline=train_pipeline, split='train'))
# Pretraining has no validation loop; MaskedReconstructionVisHook draws
# pictures from a kept training batch instead.
val_dataloader = val_evaluator = None
test_dataloader = test_evaluator = None
