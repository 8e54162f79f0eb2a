# Mobile-Former-508M (the paper's largest published size), 224 px; the
# stride-32 output has 240 channels.
model = dict(backbone=dict(arch='508m', out_indices=(3, )))
