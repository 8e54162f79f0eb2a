# CIFAR-10 32 px for masked image modelling: the base's data with a random
# patch mask packed into each sample (MAE's 75% of 4 px patches, as the
# Fashion-MNIST base; MAE masks inside MAEViT at the same ratio and patch).
_base_ = './cifar10_32px.py'

mask_generator = dict(type='PatchMaskGenerator', input_size=32,
                      mask_patch_size=4, model_patch_size=4, mask_ratio=0.75)
train_pipeline = [{{_base_.load}}, {{_base_.crop}}, {{_base_.flip}},
                  mask_generator, {{_base_.pack}}]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
# No validation loop in pretraining: MaskedReconstructionVisHook draws
# pictures from a kept batch, OnlineKNNHook scores the `val_query` split.
val_dataloader = val_evaluator = None
test_dataloader = test_evaluator = None
