# C=1024 wave equations; everything else as the C=512 main job.
_base_ = './finola-ae_resnet-cifar-tiny_c512_1xb64-1k_fmnist-32px.py'
model = dict(neck=dict(channels=1024))
