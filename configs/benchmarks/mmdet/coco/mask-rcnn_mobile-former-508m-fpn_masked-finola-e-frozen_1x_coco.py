# Mask R-CNN 1x on COCO, Mobile-Former-508M from element-wise Masked FINOLA
# pretraining, frozen: the fine-tuned config with every backbone stage
# frozen. Another checkpoint: tools/train.py THIS --pretrained CKPT
_base_ = './mask-rcnn_mobile-former-508m-fpn_masked-finola-e-ft_1x_coco.py'
model = dict(backbone=dict(frozen_stages=4, drop_path_rate=0.))
