# The same detector with the encoder frozen: patch and position
# embeddings, all 4 layers and the final norm (MMPretrain freezes
# ln1 once every layer is). The neck and heads train.
_base_ = './mask-rcnn_vit-tiny-p4-sfp_ft_demo-coco-128px.py'
model = dict(backbone=dict(frozen_stages=4))
