# RetinaNet 1x on COCO, ViT-B/16 from MAE
# pretraining, frozen: the fine-tuned config with every backbone stage
# frozen. Another checkpoint: tools/train.py THIS --pretrained CKPT
_base_ = './retinanet_vit-base-p16-sfp_mae-ft_1x_coco.py'
model = dict(backbone=dict(frozen_stages=12, drop_path_rate=0.))
