# The segmentation ranking set's segmentor (..._ft_demo-seg-64px.py) with
# the encoder frozen (every layer and the final norm); the pyramid and
# heads train.
_base_ = './upernet_vit-tiny-p4_ft_demo-seg-64px.py'
model = dict(backbone=dict(frozen_stages=4))
