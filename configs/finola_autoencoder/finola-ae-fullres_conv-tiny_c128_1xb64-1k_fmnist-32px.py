# The paper's full-resolution design (arXiv 2305.16319 v2): FINOLA grows the
# latent map up to the image resolution (32x32) from one q at the centre,
# and three 3x3 convs decode it (a 1x1 projection, then a residual block of
# two 3x3 conv-BN layers, then the 3x3 output conv). No upsampling: the
# decoder cannot invent detail that the map does not carry.
_base_ = [
    '../_base_/models/finola-ae_conv-tiny.py',
    '../_base_/datasets/fashion_mnist_32px.py',
    '../_base_/schedules/adamw_cosine_iters.py',
    '../_base_/default_runtime.py',
]
model = dict(
    neck=dict(channels=128, latent_size=32, decoder_channels=(32, ),
              decoder_cfg=dict(num_res_blocks=1, upsample_norm_act=False,
                               num_latent_convs=0)))
