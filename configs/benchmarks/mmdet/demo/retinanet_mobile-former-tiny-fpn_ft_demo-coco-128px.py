# RetinaNet on the demo COCO set (128 px) with the 32 px tiny Mobile-Former
# feeding MMDetection's FPN (P3-P7 from the stride 8-32 stages, P6 by conv on
# C5, as for ResNet), fine-tuned; otherwise the tiny ViT's demo RetinaNet
# (retinanet_vit-tiny-p4-sfp_ft_demo-coco-128px.py). Boxes only, bbox mAP.
#   tools/train.py THIS --pretrained work_dirs/<pretraining>/iter_1000.pth
_base_ = './retinanet_vit-tiny-p4-sfp_ft_demo-coco-128px.py'
model = dict(
    backbone=dict(
        _delete_=True, type='mmpretrain.MobileFormer', arch='tiny',
        out_indices=(0, 1, 2, 3), frozen_stages=-1,
        norm_eval=False),  # one process, 4 images: BN statistics train
    neck=dict(_delete_=True, type='FPN', in_channels=[16, 24, 40, 48],
              out_channels=_base_.width, start_level=1,
              add_extra_convs='on_input', num_outs=5))
