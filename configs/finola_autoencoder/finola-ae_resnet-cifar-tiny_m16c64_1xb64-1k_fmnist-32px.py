# Multi-path FINOLA at a fixed latent size M*C = 1024: M=16 paths of C=64
# sharing one A and B (2*C^2 = 8192 FINOLA parameters).
_base_ = './finola-ae_resnet-cifar-tiny_c512_1xb64-1k_fmnist-32px.py'
model = dict(neck=dict(channels=64, num_paths=16))
