# The loaders the 32 px data bases (cifar10_32px.py, fashion_mnist_32px.py)
# share: batches of 64 drawn endlessly for training, 200 in order for
# validation and test, 2 worker processes, PSNR for reconstruction. The data
# bases add each loader's dataset.
train_dataloader = dict(
    batch_size=64, num_workers=2, persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    collate_fn=dict(type='default_collate'))
val_dataloader = dict(
    batch_size=200, num_workers=2, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'))
test_dataloader = val_dataloader
val_evaluator = dict(type='PSNR')
test_evaluator = val_evaluator
