# RetinaNet 1x on COCO, Mobile-Former-508M from block-wise Masked FINOLA
# pretraining, frozen: the fine-tuned config with every backbone stage
# frozen. Another checkpoint: tools/train.py THIS --pretrained CKPT
_base_ = './retinanet_mobile-former-508m-fpn_masked-finola-b-ft_1x_coco.py'
model = dict(backbone=dict(frozen_stages=4, drop_path_rate=0.))
