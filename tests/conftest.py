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


CIFAR_CLASSES = ('airplane', 'automobile', 'bird', 'cat', 'deer', 'dog',
                 'frog', 'horse', 'ship', 'truck')
# split sizes per class for the tiny CIFAR-10 stand-ins (12 train images
# per class; finola_mm.datasets.splits)
TINY_SPLITS = dict(val=2, probe=4, lowshot=1, online_bank=2, val_query=1)


def cifar_like_images(train_per_class=12, test_per_class=3, seed=0):
    """{split: [(label, (32, 32, 3) uint8 image)]} in a class-mixed order,
    as the pickled release holds them; each class's images are tinted by
    the class so that a probe can tell them apart."""
    rng = np.random.default_rng(seed)
    out = {}
    for split, n in (('train', train_per_class), ('test', test_per_class)):
        labels = rng.permutation(np.repeat(np.arange(10), n))
        images = rng.integers(0, 60, (len(labels), 32, 32, 3))
        images = (images + 19 * labels[:, None, None, None]).astype(np.uint8)
        out[split] = list(zip(labels.tolist(), images))
    return out


def write_python_archive(path, images):
    """The official cifar-10-python.tar.gz layout: five data batches, a
    test batch and batches.meta, pickled."""
    import io
    import pickle
    import tarfile

    def add(tar, name, obj):
        data = pickle.dumps(obj)
        info = tarfile.TarInfo('cifar-10-batches-py/' + name)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))

    train = images['train']
    with tarfile.open(path, 'w:gz') as tar:
        add(tar, 'batches.meta', {'label_names': list(CIFAR_CLASSES)})
        for b, part in enumerate(np.array_split(np.arange(len(train)), 5)):
            add(tar, f'data_batch_{b + 1}', {
                'labels': [train[i][0] for i in part],
                'data': np.stack([train[i][1].transpose(2, 0, 1).reshape(-1)
                                  for i in part])})
        add(tar, 'test_batch', {
            'labels': [lab for lab, _ in images['test']],
            'data': np.stack([im.transpose(2, 0, 1).reshape(-1)
                              for _, im in images['test']])})


def write_jpeg_archive(path, images, corrupt=()):
    """The shared JPEG export: cifar10/{train,test}/<class>/NNNN.jpg, each
    class numbered in the order of the pickled release. ``corrupt``: (split,
    class, n) members written as garbage bytes."""
    import io
    import tarfile

    from PIL import Image
    with tarfile.open(path, 'w:gz') as tar:
        for split, items in images.items():
            seen = {}
            for label, image in items:
                cls = CIFAR_CLASSES[label]
                n = seen[cls] = seen.get(cls, -1) + 1
                buf = io.BytesIO()
                Image.fromarray(image).save(buf, format='JPEG', quality=95)
                data = b'not a jpeg' if (split, cls, n) in corrupt \
                    else buf.getvalue()
                info = tarfile.TarInfo(f'cifar10/{split}/{cls}/{n:04d}.jpg')
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))


def prepare_tiny_cifar(tmp, fmt='python', **kwargs):
    """A tiny CIFAR-10 stand-in prepared by tools/data/prepare_cifar10.py;
    returns its folder."""
    from tools.data import prepare_cifar10 as prepare
    images = cifar_like_images()
    archive = osp.join(tmp, f'cifar-{fmt}.tar.gz')
    (write_python_archive if fmt == 'python' else write_jpeg_archive)(
        archive, images, **kwargs)
    out = osp.join(tmp, f'cifar10-{fmt}')
    prepare.prepare(archive, out, split_sizes=TINY_SPLITS)
    return out


@pytest.fixture(scope='session')
def cifar_folder(tmp_path_factory):
    """data/cifar10 in miniature: 10 classes x (12 train, 3 test) PNGs made
    from the official archive format, with its splits.json."""
    return prepare_tiny_cifar(str(tmp_path_factory.mktemp('cifar')))


def tiny_run_cfg(cfg_path, work_dir, image_folder=None, iters=1,
                 batch=2, val=False, cifar_folder=None):
    """The config with tiny data and a few iterations; nothing else changed.

    Fashion-MNIST configs keep their real (embedded) data, cut to a few
    images; CIFAR-10 configs (labelled ``ImageFolder``) read
    ``cifar_folder``, your-own-images configs (unlabelled ``ImageFolder``)
    ``image_folder``, both through their own dataset and pipeline; others
    read ``image_folder`` through MMPretrain's CustomDataset.
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
        elif ds.type == 'ImageFolder':
            ds.data_root = cifar_folder if ds.get('with_label') \
                else image_folder
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

