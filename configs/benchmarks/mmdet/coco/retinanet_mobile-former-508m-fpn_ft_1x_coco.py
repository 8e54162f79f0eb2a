# RetinaNet 1x on COCO 2017 with Mobile-Former-508M feeding MMDetection's
# FPN (P3-P7 from the stride 8-32 stages, P6 by conv on C5, as for ResNet);
# otherwise the ViT-B RetinaNet config's recipe, with the Mask R-CNN
# Mobile-Former config's encoder and optimiser (BN statistics frozen). A
# checkpoint from any
# configs/masked_pretrain/*_mobile-former-508m_8xb512-coslr-400e_in1k-224px.py:
#   tools/train.py THIS --pretrained work_dirs/<pretraining run>/epoch_400.pth
_base_ = './retinanet_vit-base-p16-sfp_ft_1x_coco.py'
model = dict(
    backbone=dict(
        _delete_=True, type='mmpretrain.MobileFormer', arch='508m',
        out_indices=(0, 1, 2, 3), frozen_stages=-1, norm_eval=True,
        drop_path_rate=0.1),
    neck=dict(_delete_=True, type='FPN', in_channels=[40, 72, 176, 240],
              out_channels=256, start_level=1, add_extra_convs='on_input',
              num_outs=5))  # MMDetection's RetinaNet FPN
optim_wrapper = dict(
    optimizer=dict(weight_decay=0.05),
    paramwise_cfg=dict(custom_keys={
        '_delete_': True, 'backbone.tokens': dict(decay_mult=0.)}))
