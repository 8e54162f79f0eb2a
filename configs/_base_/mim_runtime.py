# Runtime for masked pretraining: the default runtime with masked-input /
# prediction / original pictures every checkpoint interval, and kNN top-1
# of the encoder (the `online_bank` split, 2,000 labelled training images,
# as the bank; 1,000 `val_query` validation images scored; never the test
# images) logged beside the loss every 500 iterations.
_base_ = './default_runtime.py'

custom_hooks = [
    dict(type='MaskedReconstructionVisHook', interval=500, num_images=8),
    dict(type='OnlineKNNHook', interval=500, num_bank=2000, num_query=1000)]
