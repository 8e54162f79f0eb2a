# UperNet 160k on ADE20K, Mobile-Former-508M from SimMIM
# pretraining, frozen: the fine-tuned config with every backbone stage
# frozen (neck and heads train). Another checkpoint: --pretrained CKPT
_base_ = './upernet_mobile-former-508m_simmim-ft_160k_ade20k-512px.py'
model = dict(backbone=dict(frozen_stages=4, drop_path_rate=0.))
