# The demo semantic-segmentation set (finola_mm/datasets/demo_seg.py): the
# demo COCO images, 128x128 px, with class maps (0 = background, 1-10 the
# Fashion-MNIST classes). Make it first with
#   python tools/data/make_demo_seg.py --out data/demo_seg
# MMSegmentation 1.x style. DemoSegDataset and CheckSegLabels (a label id
# outside the classes is an error naming the file) come from
# finola_mm.downstream.segmentation, which the segmentation runtime base
# imports.
dataset_type = 'DemoSegDataset'
data_root = 'data/demo_seg/'
num_classes = 11
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='CheckSegLabels', num_classes=num_classes),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='CheckSegLabels', num_classes=num_classes),
    dict(type='PackSegInputs')
]
# data loading is cheap at 128 px; worker processes only take the 2 cores
train_dataloader = dict(
    batch_size=8, num_workers=0,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(type=dataset_type, data_root=data_root,
                 data_prefix=dict(img_path='img_dir/train',
                                  seg_map_path='ann_dir/train'),
                 pipeline=train_pipeline))
# the training loader, in order, on the `val` split
val_dataloader = dict(
    train_dataloader, sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(train_dataloader['dataset'], pipeline=test_pipeline,
                 data_prefix=dict(img_path='img_dir/val',
                                  seg_map_path='ann_dir/val')))
# the report's split: choices are made on val (docs/segmentation_transfer.md)
test_dataloader = dict(
    val_dataloader,
    dataset=dict(val_dataloader['dataset'],
                 data_prefix=dict(img_path='img_dir/test',
                                  seg_map_path='ann_dir/test')))
# IoUMetric's mIoU, and the diagnosis (finola_mm.downstream.segmentation:
# per-class IoU, recall and loss, the confusion matrix, what the logits say
# on object pixels) under diag/
val_evaluator = [dict(type='IoUMetric', iou_metrics=['mIoU']),
                 dict(type='SegDiagnosisMetric')]
test_evaluator = val_evaluator
