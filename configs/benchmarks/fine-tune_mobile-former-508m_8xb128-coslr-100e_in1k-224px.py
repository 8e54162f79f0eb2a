# Fine-tuning a pretrained Mobile-Former-508M on ImageNet-1K with the ViT-B
# recipe; layer-wise LR decay runs over its 11 blocks
# (MobileFormer.get_layer_depth). --pretrained CKPT; --amp on GPUs.
_base_ = './fine-tune_vit-base-p16_8xb128-coslr-100e_in1k-224px.py'
model = dict(
    backbone=dict(_delete_=True, type='MobileFormer', arch='508m',
                  out_indices=(3, ), drop_path_rate=0.1, init_cfg=None),
    head=dict(in_channels=240))
optim_wrapper = dict(paramwise_cfg=dict(
    layer_decay_rate=0.8,
    custom_keys={'.tokens': dict(decay_mult=0.)}))
