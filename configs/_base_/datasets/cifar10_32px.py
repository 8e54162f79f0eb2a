# CIFAR-10 at 32 px as an image folder (`tools/data/prepare_cifar10.py`
# makes data/cifar10/{train,test}/<class>/ and its splits.json; `bash
# tools/setup.sh` runs it when it finds an archive). The shared archive holds
# JPEG re-encodes, not the lossless release: say so beside every figure.
# Training reads the `train` split (45,000 images: the training set less
# the 5,000-image `val` split, finola_mm.datasets.splits); validation reads
# `val`; `test` is the 10,000 test images, for the final report only.
# Loaders: loaders_32px.py.
_base_ = './loaders_32px.py'

dataset_type = 'ImageFolder'
data_root = 'data/cifar10'
img_size = 32
data_preprocessor = dict(
    type='SelfSupDataPreprocessor',
    mean=[125.307, 122.961, 113.8575],  # CIFAR-10 RGB mean / std (0-255),
    std=[51.5865, 50.847, 51.255],      # MMPretrain's CIFAR recipes
    to_rgb=False)                       # LoadImageRGB reads RGB

# Named steps, reused by the derived bases as {{_base_.<name>}}.
load = dict(type='LoadImageRGB')
crop = dict(type='RandomCrop', crop_size=img_size, padding=4)  # as MMPretrain
flip = dict(type='RandomFlip', prob=0.5, direction='horizontal')
pack = dict(type='PackInputs')
train_pipeline = [load, crop, flip, pack]
test_pipeline = [load, pack]

train_dataloader = dict(dataset=dict(
    type=dataset_type, data_root=data_root, data_prefix='train',
    with_label=True, split='train', pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(
    type=dataset_type, data_root=data_root, data_prefix='train',
    with_label=True, split='val', pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(
    val_dataloader['dataset'], data_prefix='test', split=None))
