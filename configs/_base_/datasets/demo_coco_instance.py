# The demo COCO instance-segmentation set (docs/demo_coco.md): Fashion-MNIST
# items pasted on photo crops, 128x128 px, 10 classes. Make it first with
#   python tools/data/make_demo_coco.py --out data/demo_coco
# MMDetection 3.x style, as mmdet's configs/_base_/datasets/coco_instance.py.
#
# CheckedCocoDataset (finola_mm/downstream/detection/checked_coco.py) is
# CocoDataset that refuses bad boxes / category ids with a clear error. It
# imports mmdet, so finola_mm does not import it by itself: the detection
# runtime base (configs/benchmarks/mmdet/_base_/default_runtime.py) imports
# finola_mm.downstream.detection for every detection config.
dataset_type = 'CheckedCocoDataset'
data_root = 'data/demo_coco/'
metainfo = dict(classes=('T-shirt/top', 'Trouser', 'Pullover', 'Dress',
                         'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag',
                         'Ankle boot'))  # category ids 1..10
img_scale = (128, 128)
backend_args = None

# Masks are compressed RLE: LoadAnnotations must keep poly2mask=True (the
# default); with poly2mask=False MMDetection ignores every RLE instance.
train_pipeline = [
    dict(type='LoadImageFromFile', backend_args=backend_args),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile', backend_args=backend_args),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                    'scale_factor'))
]
# data loading is cheap at 128 px; worker processes only take the 2 cores
train_dataloader = dict(
    batch_size=4, num_workers=0, persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    batch_sampler=dict(type='AspectRatioBatchSampler'),
    dataset=dict(type=dataset_type, data_root=data_root, metainfo=metainfo,
                 ann_file='annotations/instances_train.json',
                 data_prefix=dict(img='train/'),
                 filter_cfg=dict(filter_empty_gt=True, min_size=32),
                 pipeline=train_pipeline, backend_args=backend_args))
val_dataloader = dict(
    batch_size=4, num_workers=0, persistent_workers=False, drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, metainfo=metainfo,
                 ann_file='annotations/instances_val.json',
                 data_prefix=dict(img='val/'), test_mode=True,
                 pipeline=test_pipeline, backend_args=backend_args))
# The test split: every choice (recipe, iterations, start, LR) is made on
# val, the report is scored on test (docs/demo_coco.md)
test_dataloader = dict(
    val_dataloader,
    dataset=dict(val_dataloader['dataset'],
                 ann_file='annotations/instances_test.json',
                 data_prefix=dict(img='test/')))

val_evaluator = dict(
    type='CocoMetric',
    ann_file=data_root + 'annotations/instances_val.json',
    metric=['bbox', 'segm'],
    format_only=False,
    backend_args=backend_args)
test_evaluator = dict(val_evaluator,
                      ann_file=data_root + 'annotations/instances_test.json')
