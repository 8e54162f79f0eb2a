# SimMIM on your own images at 32 px, beside the recommended (block-wise) Masked
# FINOLA on the same encoder: set data_root as in
# masked-finola-b_vit-tiny-p4_1xb64-2k_image-folder-32px.py.
_base_ = [
    '../_base_/models/simmim_vit-tiny-p4_32px.py',
    '../_base_/datasets/image_folder_32px_mim.py',
    '../_base_/schedules/mim_adamw_cosine_2k.py',
    '../_base_/mim_runtime.py',
]
