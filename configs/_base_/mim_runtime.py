# Runtime for masked pretraining: the default runtime with masked-input /
# prediction / original pictures every checkpoint interval.
_base_ = './default_runtime.py'

custom_hooks = [
    dict(type='MaskedReconstructionVisHook', interval=500, num_images=8)]
