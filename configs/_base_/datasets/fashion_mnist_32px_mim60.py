# Fashion-MNIST 32 px for masked image modelling with 60% of the patches masked
# (the recommended element-wise Masked FINOLA's setting): the _mim base's
# pipeline with mask_ratio=0.6. The top-level `train_pipeline` stays the
# _mim base's; the loader's pipeline below is the one that runs.
_base_ = './fashion_mnist_32px_mim.py'

mask_generator = dict(_base_.mask_generator, mask_ratio=0.6)
train_dataloader = dict(dataset=dict(
    pipeline=[*_base_.train_pipeline[:-2], mask_generator, _base_.pack]))
