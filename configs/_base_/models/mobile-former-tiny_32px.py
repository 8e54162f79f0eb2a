# The tiny Mobile-Former encoder for 32 px CPU runs (stride-32 output:
# 48 channels). Each method's config sets the backbone type only.
model = dict(backbone=dict(arch='tiny', out_indices=(3, )))
