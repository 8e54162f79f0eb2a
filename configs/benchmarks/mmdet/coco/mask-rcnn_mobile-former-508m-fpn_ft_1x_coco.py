# Mask R-CNN 1x on COCO 2017 with Mobile-Former-508M: its four stages
# (strides 4-32, channels 40/72/176/240) feed MMDetection's FPN; otherwise
# the ViT-B config's recipe (mask-rcnn_vit-base-p16-sfp_ft_1x_coco.py), AdamW
# with weight decay 0.05. Fine-tuned with BN statistics frozen (norm_eval, as
# MMDetection's ResNets: 2 images per GPU give poor batch statistics; for BN
# that trains, use norm_cfg=dict(type='SyncBN') and norm_eval=False on
# several GPUs). A checkpoint from any
# configs/masked_pretrain/*_mobile-former-508m_8xb512-coslr-400e_in1k-224px.py
# (masked-finola-e, masked-finola-b, simmim):
#   tools/train.py THIS --pretrained work_dirs/<pretraining run>/epoch_400.pth
_base_ = './mask-rcnn_vit-base-p16-sfp_ft_1x_coco.py'
model = dict(
    backbone=dict(
        _delete_=True, type='mmpretrain.MobileFormer', arch='508m',
        out_indices=(0, 1, 2, 3), frozen_stages=-1, norm_eval=True,
        drop_path_rate=0.1),
    neck=dict(_delete_=True, type='FPN', in_channels=[40, 72, 176, 240],
              out_channels=256, num_outs=5))  # MMDetection's Mask R-CNN FPN
optim_wrapper = dict(
    optimizer=dict(weight_decay=0.05),
    paramwise_cfg=dict(custom_keys={
        '_delete_': True, 'backbone.tokens': dict(decay_mult=0.)}))
