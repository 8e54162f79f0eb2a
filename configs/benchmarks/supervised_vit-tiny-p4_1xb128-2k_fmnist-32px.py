# Supervised from scratch, the control a user would pick instead of
# pretraining: the fine-tune recipe on Fashion-MNIST from random init (no
# --pretrained). At equal compute give it as many images as pretraining plus
# fine-tuning see, e.g. --cfg-options train_cfg.max_iters=... (compare_ssl
# sets this).
_base_ = './fine-tune_vit-tiny-p4_1xb128-2k_fmnist-32px.py'
model = dict(backbone=dict(init_cfg=None))  # never a checkpoint
