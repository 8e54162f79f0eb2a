"""Shared tiny fixtures: the embedded data, small images on disk, configs."""
import os.path as osp

import numpy as np
import pytest
from mmengine.config import Config

import finola_mm  # noqa: F401

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
FMNIST_ROOT = osp.join(ROOT, 'data', 'fashion_mnist')
MAIN_CONFIG = osp.join(
    ROOT, 'configs/finola_autoencoder/'
    'finola-ae_conv-tiny_c512_1xb64-2k_fmnist-32px.py')
# The ResNet-CIFAR encoder + attention pool family (and its ViT sibling).
RESNET_CONFIG = osp.join(
    ROOT, 'configs/finola_autoencoder/'
    'finola-ae_resnet-cifar-tiny_c512_1xb64-1k_fmnist-32px.py')


@pytest.fixture(scope='session')
def image_folder(tmp_path_factory):
    """Eight random 300x280 JPEGs in two class folders standing in for
    ImageNet (unlabelled configs read all of them)."""
    import mmcv
    root = tmp_path_factory.mktemp('images')
    rng = np.random.default_rng(0)
    for i in range(8):
        mmcv.imwrite(rng.integers(0, 255, (300, 280, 3), dtype=np.uint8),
                     str(root / f'class_{i % 2}' / f'img_{i}.jpg'))
    return str(root)


def tiny_run_cfg(cfg_path, work_dir, image_folder=None, iters=1,
                 batch=2, val=False):
    """The config with tiny data and a few iterations; nothing else changed.

    Fashion-MNIST configs keep their real (embedded) data, cut to a few
    images; others read ``image_folder`` through MMPretrain's CustomDataset.
    """
    cfg = Config.fromfile(cfg_path)
    for split in ('train', 'val', 'test'):
        loader = cfg.get(f'{split}_dataloader')
        if not loader:
            continue
        loader.update(batch_size=batch, num_workers=0,
                      persistent_workers=False)
        ds = loader.dataset
        if ds.type == 'LocalFashionMNIST':
            ds.data_root = FMNIST_ROOT
            ds.indices = 2 * batch
        else:
            loader.dataset = dict(
                type='CustomDataset', data_root=image_folder,
                with_label=cfg.model.type == 'ImageClassifier',
                pipeline=ds.pipeline)
    cfg.train_dataloader.sampler = dict(type='InfiniteSampler', shuffle=True)
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=iters,
                         val_interval=iters if val else iters + 1)
    if not val:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=iters,
                                        by_epoch=False)
    for hook in cfg.get('custom_hooks', []):
        if hook['type'] == 'OnlineKNNHook':  # a few images, as the data
            hook.update(num_bank=8, num_query=4, k=4)
    cfg.default_hooks.logger = dict(type='LoggerHook', interval=1)
    cfg.log_processor = dict(by_epoch=False)
    cfg.work_dir = str(work_dir)
    cfg.randomness = dict(seed=0)
    cfg.env_cfg = dict(dist_cfg=dict(backend='gloo'))
    return cfg


@pytest.fixture
def tiny_cfg():
    return tiny_run_cfg

