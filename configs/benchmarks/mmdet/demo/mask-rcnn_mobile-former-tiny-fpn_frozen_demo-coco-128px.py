# The same detector with the encoder frozen: stem, tokens and all 4
# stages, kept in eval mode, so BN statistics stay as loaded. The
# neck and heads train.
_base_ = './mask-rcnn_mobile-former-tiny-fpn_ft_demo-coco-128px.py'
model = dict(backbone=dict(frozen_stages=4))
