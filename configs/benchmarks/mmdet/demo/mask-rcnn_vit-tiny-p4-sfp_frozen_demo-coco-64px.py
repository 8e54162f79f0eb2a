# The ranking-set detector (..._ft_demo-coco-64px.py) with the encoder
# frozen, as ..._frozen_demo-coco-128px.py: the neck and heads train.
_base_ = './mask-rcnn_vit-tiny-p4-sfp_ft_demo-coco-64px.py'
model = dict(backbone=dict(frozen_stages=4))
