# The fine-tuned config (..._ft_1x_coco.py) with every ViT-B/16 layer
# frozen and no drop path: the pyramid and heads train. Same checkpoint:
#   tools/train.py THIS --pretrained work_dirs/<pretraining run>/epoch_400.pth
_base_ = './mask-rcnn_vit-base-p16-sfp_ft_1x_coco.py'
model = dict(backbone=dict(frozen_stages=12, drop_path_rate=0.))
