# The fine-tuned config (..._ft_160k_...) with every ViT-B/16 layer frozen
# and no drop path: the pyramid and heads train. Same checkpoint:
#   tools/train.py THIS --pretrained work_dirs/<pretraining run>/epoch_400.pth
_base_ = './upernet_vit-base-p16_ft_160k_ade20k-512px.py'
model = dict(backbone=dict(frozen_stages=12, drop_path_rate=0.))
