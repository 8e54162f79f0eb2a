# C=128 end of the paper's C sweep (reported PSNR 23.2 on ImageNet val).
_base_ = './finola-ae_resnet50_c2048_8xb64-coslr-100e_in1k-256px.py'
model = dict(neck=dict(channels=128))
