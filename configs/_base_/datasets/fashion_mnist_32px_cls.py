# Fashion-MNIST 32 px with labels, for linear probing, fine-tuning and
# training from scratch: train on `train`, validate (every choice) on `val`
# (the fixed splits of data_root/splits.json), report on the test images
# once (tools/test.py).
_base_ = './fashion_mnist_32px.py'

data_preprocessor = dict(type='ClsDataPreprocessor', num_classes=10)
train_dataloader = dict(batch_size=256, dataset=dict(split='train'))
val_dataloader = dict(dataset=dict(
    _delete_=True, type={{_base_.dataset_type}}, data_root={{_base_.data_root}},
    test_mode=False, split='val', pipeline={{_base_.test_pipeline}}))
val_evaluator = dict(_delete_=True, type='Accuracy', topk=(1, 5))
test_evaluator = val_evaluator
