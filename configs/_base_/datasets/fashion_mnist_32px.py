# Fashion-MNIST (embedded; `bash tools/setup.sh` puts it in data_root),
# resized 28 -> 32 px and repeated to 3 channels. Loaders: loaders_32px.py.
_base_ = './loaders_32px.py'

dataset_type = 'LocalFashionMNIST'
data_root = 'data/fashion_mnist'
img_size = 32
data_preprocessor = dict(
    type='SelfSupDataPreprocessor',
    mean=[72.94, 72.94, 72.94],  # Fashion-MNIST pixel mean / std (0-255)
    std=[90.02, 90.02, 90.02])

# The steps are named so that derived bases (the masked-image ones) can
# reuse them as {{_base_.<name>}} instead of repeating them.
resize = dict(type='Resize', scale=(img_size, img_size),
              interpolation='bicubic')
gray_to_rgb = dict(type='GrayToRGB')
flip = dict(type='RandomFlip', prob=0.5)
pack = dict(type='PackInputs')
train_pipeline = [resize, gray_to_rgb, flip, pack]
test_pipeline = [resize, gray_to_rgb, pack]

train_dataloader = dict(dataset=dict(
    type=dataset_type, data_root=data_root, test_mode=False,
    pipeline=train_pipeline))
test_dataloader = dict(dataset=dict(
    type=dataset_type, data_root=data_root, test_mode=True,
    pipeline=test_pipeline))
# Validation during training scores the first 2,000 test images;
# tools/test.py scores all 10,000.
val_dataloader = dict(dataset=dict(test_dataloader['dataset'], indices=2000))
