# The fine-tuned demo segmentor with every Mobile-Former stage frozen.
_base_ = './upernet_mobile-former-tiny_ft_demo-seg-128px.py'
model = dict(backbone=dict(frozen_stages=4, norm_eval=True))
