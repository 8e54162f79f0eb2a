# The fine-tuned config (..._ft_160k_...) with every Mobile-Former stage
# frozen and no drop path: the heads train. Same checkpoint:
#   tools/train.py THIS --pretrained work_dirs/<pretraining run>/epoch_400.pth
_base_ = './upernet_mobile-former-508m_ft_160k_ade20k-512px.py'
model = dict(backbone=dict(frozen_stages=4, drop_path_rate=0.))
