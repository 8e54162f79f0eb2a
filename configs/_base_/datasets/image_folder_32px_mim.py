# Your own images for masked pretraining at 32 px: every JPEG/PNG/... under
# data_root at any depth (class subfolders or not; labels unused), of any
# size and mode (grayscale, palette, CMYK, 16-bit, alpha -> RGB by
# LoadImageRGB). Unreadable files are skipped with one warning (more than 1%
# is an error). Point it at your folder with
#   --cfg-options train_dataloader.dataset.data_root=MY_IMAGES
# The crop covers 20-100% of the image (MAE's RandomResizedCrop), so images
# smaller than 32 px are resized up. Normalised with ImageNet's mean/std;
# set data_preprocessor.mean/std to your data's if it differs much.
_base_ = './cifar10_32px_mim.py'

data_root = 'data/my_images'
data_preprocessor = dict(mean=[123.675, 116.28, 103.53],
                         std=[58.395, 57.12, 57.375])
resized_crop = dict(type='RandomResizedCrop', scale={{_base_.img_size}},
                    crop_ratio_range=(0.2, 1.0), backend='pillow',
                    interpolation='bicubic')
train_pipeline = [{{_base_.load}}, resized_crop, {{_base_.flip}},
                  {{_base_.mask_generator}}, {{_base_.pack}}]
train_dataloader = dict(dataset=dict(
    _delete_=True, type='ImageFolder', data_root=data_root, with_label=False,
    pipeline=train_pipeline))
