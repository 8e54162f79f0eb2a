# The fine-tuned config (..._ft_1x_coco.py) with every Mobile-Former stage
# frozen and no drop path: FPN and heads train. Same checkpoint:
#   tools/train.py THIS --pretrained work_dirs/<pretraining run>/epoch_400.pth
_base_ = './mask-rcnn_mobile-former-508m-fpn_ft_1x_coco.py'
model = dict(backbone=dict(frozen_stages=4, drop_path_rate=0.))
