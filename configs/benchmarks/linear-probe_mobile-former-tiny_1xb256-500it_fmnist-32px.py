# Linear probing of a pretrained 32 px tiny Mobile-Former: the whole encoder
# frozen (stem, tokens, all 4 stages; BN in eval mode), the stride-32 map
# average-pooled (48-d), a BatchNorm without affine and a linear classifier.
# Same head, schedule and data as the ViT probe; pass the checkpoint with
#   tools/train.py CONFIG --pretrained work_dirs/.../iter_1000.pth
_base_ = './linear-probe_vit-tiny-p4_1xb256-500it_fmnist-32px.py'
model = dict(
    backbone=dict(_delete_=True, type='MobileFormer', arch='tiny',
                  out_indices=(3, ), frozen_stages=4, init_cfg=None),
    neck=[dict(type='GlobalAveragePooling'),
          dict(type='ClsBatchNormNeck', input_features=48)],
    head=dict(in_channels=48))
