# CIFAR-10 32 px with labels, for linear probing, fine-tuning and training
# from scratch: train on `train`, validate (every choice) on `val`, report
# on `test` once (tools/test.py).
_base_ = './cifar10_32px.py'

data_preprocessor = dict(type='ClsDataPreprocessor', num_classes=10)
train_dataloader = dict(batch_size=256)
val_evaluator = dict(_delete_=True, type='Accuracy', topk=(1, 5))
test_evaluator = val_evaluator
