# Linear probing of a pretrained Mobile-Former-508M on ImageNet-1K, with the
# ViT-B protocol (LARS, 90 epochs, BN without affine + linear) on the
# average-pooled stride-32 map (240-d). --pretrained CKPT; --amp on GPUs.
_base_ = './linear-probe_vit-base-p16_8xb2048-coslr-90e_in1k-224px.py'
model = dict(
    backbone=dict(_delete_=True, type='MobileFormer', arch='508m',
                  out_indices=(3, ), frozen_stages=4, init_cfg=None),
    neck=[dict(type='GlobalAveragePooling'),
          dict(type='ClsBatchNormNeck', input_features=240)],
    head=dict(in_channels=240))
