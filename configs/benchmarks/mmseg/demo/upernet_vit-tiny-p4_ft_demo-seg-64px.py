# The segmentation ranking set: the demo segmentor on 64 px images with 1-3
# grey Fashion-MNIST items of 20-40 px a side on black (the detection
# ranking set's images, tools/benchmarks/transfer_det.py --set rank, as
# class maps), the pretraining images' domain and scale: 1,200 train, 3,000
# val and 3,000 test images. tools/benchmarks/transfer_seg.py (--set rank,
# its default) makes it; 1,000 iterations of 8 images there (chosen on val,
# docs/segmentation_transfer.md).
_base_ = './upernet_vit-tiny-p4_ft_demo-seg-128px.py'
data_root = 'data/demo_seg_64px/'
model = dict(data_preprocessor=dict(size=(64, 64)))
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = dict(dataset=dict(data_root=data_root))
