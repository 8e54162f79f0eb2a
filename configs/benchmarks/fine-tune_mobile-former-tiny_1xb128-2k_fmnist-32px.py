# End-to-end fine-tuning of a pretrained 32 px tiny Mobile-Former with
# layer-wise LR decay over its 8 blocks (MobileFormer.get_layer_depth: stem
# and tokens first, then block by block), otherwise as the ViT recipe.
_base_ = './fine-tune_vit-tiny-p4_1xb128-2k_fmnist-32px.py'
model = dict(
    backbone=dict(_delete_=True, type='MobileFormer', arch='tiny',
                  out_indices=(3, ), drop_path_rate=0.1, init_cfg=None),
    head=dict(in_channels=48))
optim_wrapper = dict(paramwise_cfg=dict(
    layer_decay_rate=0.85,  # 8 blocks: the stem gets 0.85^9 ~ 0.23 of lr
    custom_keys={'.tokens': dict(decay_mult=0.)}))
