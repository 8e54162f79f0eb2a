# The ranking set of tools/benchmarks/transfer_det.py: the demo Mask R-CNN
# (tiny ViT + simple feature pyramid, fine-tuned) on 64 px images with 1-3
# grey Fashion-MNIST items of 20-40 px a side on black, the pretraining
# images' domain and scale, so that what pretraining learnt is what
# detection needs. Make the set with
#   python tools/data/make_demo_coco.py --out data/demo_coco_64px \
#       --img-size 64 --max-objects 3 --object-sides 20 40 --style plain \
#       --num-train 1200 --num-val 3000 --num-test 3000
# (transfer_det.py makes it itself). 1x's step ratios over 600
# iterations of 8 images (docs/detection_transfer.md).
_base_ = './mask-rcnn_vit-tiny-p4-sfp_ft_demo-coco-128px.py'
data_root = 'data/demo_coco_64px/'
img_scale = (64, 64)
# the 128 px set's pipelines (demo_coco_instance.py) at 64 px
train_pipeline = _base_.train_pipeline
train_pipeline[2].scale = img_scale  # Resize
test_pipeline = _base_.test_pipeline
test_pipeline[1].scale = img_scale  # Resize
train_dataloader = dict(
    batch_size=8,
    dataset=dict(data_root=data_root, pipeline=train_pipeline,
                 filter_cfg=dict(filter_empty_gt=True, min_size=16)))
val_dataloader = dict(
    batch_size=8, dataset=dict(data_root=data_root, pipeline=test_pipeline))
test_dataloader = dict(
    batch_size=8, dataset=dict(data_root=data_root, pipeline=test_pipeline))
# <= 3 objects per image: 32 sampled RoIs (8 positive at most) instead of
# the 128 px set's 64; a quarter less time per iteration (measured)
model = dict(train_cfg=dict(rcnn=dict(sampler=dict(num=32))))
val_evaluator = dict(ann_file=data_root + 'annotations/instances_val.json')
test_evaluator = dict(ann_file=data_root + 'annotations/instances_test.json')

# demo_det_runtime.py's schedule over 600 iterations
max_iters = 600
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
param_scheduler = _base_.param_scheduler
param_scheduler[0].end = 60  # warm-up
param_scheduler[1].end = max_iters
param_scheduler[1].milestones = [max_iters * 2 // 3, max_iters * 11 // 12]
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(interval=max_iters))
