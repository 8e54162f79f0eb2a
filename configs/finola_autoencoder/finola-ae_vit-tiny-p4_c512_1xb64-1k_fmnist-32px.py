# The main job's recipe with a 4-layer ViT encoder instead of the ResNet.
_base_ = [
    '../_base_/models/finola-ae_vit-tiny-p4.py',
    '../_base_/datasets/fashion_mnist_32px.py',
    '../_base_/schedules/adamw_cosine_iters.py',
    '../_base_/default_runtime.py',
]
optim_wrapper = dict(paramwise_cfg=dict(custom_keys={
    'pos_embed': dict(decay_mult=0.), 'cls_token': dict(decay_mult=0.)}))
