# FINOLA autoencoder at the paper's setting: ImageNet-1K, 256 px, C=2048
# (docs/method.md section 4: C=2048 -> PSNR 29.1 reported). ResNet-50 gives 8x8;
# FINOLA grows a 16x16 map that the decoder upsamples 16x. Add --amp on GPUs.
_base_ = [
    '../_base_/datasets/imagenet_256px_recon.py',
    '../_base_/default_runtime.py',
]
model = dict(
    type='FINOLAAutoencoder',
    backbone=dict(type='ResNet', depth=50, out_indices=(3, )),
    neck=dict(
        type='FINOLANeck', in_channels=2048, channels=2048, num_paths=1,
        latent_size=16, img_size=256,
        decoder_channels=(512, 256, 128, 64, 32), pool_heads=16),
    head=dict(type='PixelReconstructionHead',
              loss=dict(type='PixelReconstructionLoss', criterion='L2')))
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1.5e-4 * 512 / 256, betas=(0.9, 0.95),
                   weight_decay=0.05),
    paramwise_cfg=dict(custom_keys={
        'norm': dict(decay_mult=0.), 'bias': dict(decay_mult=0.),
        'finola.A': dict(decay_mult=0.), 'finola.B': dict(decay_mult=0.)}))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-4, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=95, by_epoch=True, begin=5, end=100,
         convert_to_iter_based=True),
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=100, val_interval=10)
val_cfg = dict()
test_cfg = dict()
default_hooks = dict(
    checkpoint=dict(type='CheckpointHook', interval=1, by_epoch=True,
                    max_keep_ckpts=3, save_last=True))
log_processor = dict(by_epoch=True)
auto_scale_lr = dict(base_batch_size=512)
