# The main job's FINOLA autoencoder (C=512, one path, 4x4 latent, 2k
# iterations of 64) on CIFAR-10 32 px: validation PSNR on the `val` split,
# tools/test.py on the 10,000 test images (JPEG re-encodes in the shared
# archive: their artefacts are part of every target).
_base_ = [
    '../_base_/models/finola-ae_conv-tiny.py',
    '../_base_/datasets/cifar10_32px.py',
    '../_base_/schedules/adamw_cosine_2k.py',
    '../_base_/default_runtime.py',
]
default_hooks = dict(checkpoint=dict(interval=1000))
