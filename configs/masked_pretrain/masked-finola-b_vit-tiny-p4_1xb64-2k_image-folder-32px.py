# Block-wise Masked FINOLA (one random visible quadrant) on YOUR OWN IMAGES
# at 32 px: the recommended setting for natural images, chosen on CIFAR-10
# validation (docs/evaluation.md, "Where the current choices came from").
# Copy this file, change data_root (or pass
#   --cfg-options train_dataloader.dataset.data_root=MY_IMAGES)
# and run tools/train.py on it. Any JPEG/PNG/... of any size and mode, with
# or without class subfolders (_base_/datasets/image_folder_32px_mim.py).
_base_ = [
    '../_base_/models/masked-finola-b_vit-tiny-p4_32px.py',
    '../_base_/datasets/image_folder_32px_quadrant.py',
    '../_base_/schedules/mim_adamw_cosine_2k.py',
    '../_base_/mim_runtime.py',
]
train_dataloader = dict(dataset=dict(data_root='data/my_images'))
