# The recommended element-wise Masked FINOLA: 8 attention-pool queries, raw
# pixel targets and one residual block per decoder level. Its data bases
# mask 60% of the patches (the `*_mim60` ones).
# CHOSEN ON THE FASHION-MNIST TEST SPLIT (the screen in docs/evaluation.md),
# not yet on a validation split; on CIFAR-10 it is not the best element-wise
# setting measured. The trusted-benchmark issue re-chooses it on `val`.
_base_ = './masked-finola-e_vit-tiny-p4_32px.py'
model = dict(
    neck=dict(pool_queries=8, decoder_cfg=dict(num_res_blocks=1)),
    head=dict(norm_pix=False))
