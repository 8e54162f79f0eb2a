# The recommended element-wise Masked FINOLA: 8 attention-pool queries, raw
# pixel targets and one residual block per decoder level. Its data bases
# mask 60% of the patches (the `*_mim60` ones).
# CHOSEN ON THE FASHION-MNIST TEST SPLIT (the screen in docs/evaluation.md),
# not on a validation split; Fashion-MNIST only. On CIFAR-10 validation it
# was the weakest Masked FINOLA row, and block-wise won there (the
# recommended setting for CIFAR-10 and your own images).
_base_ = './masked-finola-e_vit-tiny-p4_32px.py'
model = dict(
    neck=dict(pool_queries=8, decoder_cfg=dict(num_res_blocks=1)),
    head=dict(norm_pix=False))
