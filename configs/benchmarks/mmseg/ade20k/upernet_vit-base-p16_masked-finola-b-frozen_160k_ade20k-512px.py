# UperNet 160k on ADE20K, ViT-B/16 from block-wise Masked FINOLA
# pretraining, frozen: the fine-tuned config with every backbone stage
# frozen (neck and heads train). Another checkpoint: --pretrained CKPT
_base_ = './upernet_vit-base-p16_masked-finola-b-ft_160k_ade20k-512px.py'
model = dict(backbone=dict(frozen_stages=12, drop_path_rate=0.))
