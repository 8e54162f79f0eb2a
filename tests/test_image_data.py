"""CIFAR-10 and users' own image folders: preparation from either archive,
the fixed class-balanced splits, and bad input."""
import json
import os
import os.path as osp
import shutil
import tarfile

import numpy as np
import pytest
from PIL import Image

from conftest import (CIFAR_CLASSES, FMNIST_ROOT, ROOT, TINY_SPLITS,
                      cifar_like_images, prepare_tiny_cifar,
                      write_jpeg_archive)
from finola_mm.datasets import ImageFolder, LocalFashionMNIST, make_splits
from finola_mm.datasets.transforms import LoadImageRGB
from tools.data import prepare_cifar10

SPLIT_KEYS = ('train', 'val', 'probe', 'lowshot', 'online_bank', 'val_query')


# ------------------------------------------------------------------ splits
def per_class(indices, labels):
    return np.bincount(np.asarray(labels)[indices], minlength=10)


def test_splits_are_disjoint_nested_class_balanced_and_fixed():
    labels = np.repeat(np.arange(10), 30)  # class-sorted, as a folder lists
    content = make_splits(labels, **TINY_SPLITS)
    s = {k: content['splits'][k] for k in SPLIT_KEYS}
    assert not set(s['val']) & set(s['train'])
    assert sorted(s['val'] + s['train']) == list(range(300))
    assert set(s['probe']) <= set(s['train'])
    assert set(s['lowshot']) <= set(s['probe'])
    assert set(s['online_bank']) <= set(s['probe'])
    assert set(s['val_query']) <= set(s['val'])
    for name in ('val', 'probe', 'lowshot', 'online_bank', 'val_query'):
        counts = per_class(s[name], labels)
        assert (counts == TINY_SPLITS[name]).all(), (name, counts)
    # stored round-robin: every prefix of 10 k images is balanced too
    assert (per_class(s['train'][:20], labels) == 2).all()
    assert (per_class(s['probe'][:10], labels) == 1).all()
    assert make_splits(labels, **TINY_SPLITS) == content   # fixed
    assert make_splits(labels, seed=1, **TINY_SPLITS)['splits']['val'] \
        != s['val']


def test_splits_refuse_a_class_too_small_and_name_the_fix():
    labels = np.r_[np.repeat(np.arange(9), 30), [9] * 5]
    with pytest.raises(ValueError, match=r'class 9 has 5 training images.*'
                       r'make_splits.py'):
        make_splits(labels, **TINY_SPLITS)


def test_fashion_mnist_splits_leave_out_validation_and_test():
    """setup.sh wrote data/fashion_mnist/splits.json: 500 per class of
    validation, carved from the training images only."""
    with open(osp.join(FMNIST_ROOT, 'splits.json')) as f:
        content = json.load(f)
    assert content['per_class']['val'] == 500
    train = LocalFashionMNIST(data_root=FMNIST_ROOT, split='train',
                              lazy_init=True)
    val = LocalFashionMNIST(data_root=FMNIST_ROOT, split='val',
                            lazy_init=True)
    train_labels = [d['gt_label'] for d in train.load_data_list()]
    val_labels = [d['gt_label'] for d in val.load_data_list()]
    assert len(train_labels) == 55000 and len(val_labels) == 5000
    assert (np.bincount(val_labels) == 500).all()
    assert not set(content['splits']['val']) & set(
        content['splits']['probe'])
    with pytest.raises(ValueError, match='test_mode=True alone'):
        LocalFashionMNIST(data_root=FMNIST_ROOT, split='val', test_mode=True)


# ------------------------------------------------------- CIFAR-10 archives
def folder_listing(root):
    return sorted(osp.splitext(osp.relpath(osp.join(d, f), root))[0]
                  for d, _, files in os.walk(root) for f in files
                  if f.endswith(('.png', '.jpg')))


def test_both_archives_give_one_layout_with_counts_labels_and_splits(
        tmp_path):
    python = prepare_tiny_cifar(str(tmp_path), 'python')
    jpeg = prepare_tiny_cifar(str(tmp_path), 'jpeg')
    assert folder_listing(python) == folder_listing(jpeg)
    for root, ending in ((python, '.png'), (jpeg, '.jpg')):
        with open(osp.join(root, 'prepare_cifar10.json')) as f:
            summary = json.load(f)
        assert summary['counts']['train'] == {c: 12 for c in CIFAR_CLASSES}
        assert summary['counts']['test'] == {c: 3 for c in CIFAR_CLASSES}
        assert summary['unreadable'] == []
        assert os.listdir(osp.join(root, 'train', 'cat'))[0].endswith(ending)
    with open(osp.join(python, 'splits.json')) as f:
        splits_python = json.load(f)
    with open(osp.join(jpeg, 'splits.json')) as f:
        assert json.load(f) == splits_python    # same splits from either
    # label order: the k-th image of a class in the pickled release is
    # <class>/000k, pixel for pixel (PNG is lossless)
    images = cifar_like_images()
    for split in ('train', 'test'):
        seen = {}
        for label, image in images[split]:
            cls = CIFAR_CLASSES[label]
            k = seen[cls] = seen.get(cls, -1) + 1
            path = osp.join(python, split, cls, f'{k:04d}.png')
            assert (np.asarray(Image.open(path)) == image).all()
    # the dataset reads it as MMPretrain's CustomDataset would, labelled
    train = ImageFolder(data_root=python, data_prefix='train',
                        with_label=True, split='train')
    assert len(train) == 100 and train.metainfo['classes'] == CIFAR_CLASSES
    val = ImageFolder(data_root=python, data_prefix='train', with_label=True,
                      split='val')
    assert not {d['img_path'] for d in val.load_data_list()} & {
        d['img_path'] for d in train.load_data_list()}
    test = ImageFolder(data_root=python, data_prefix='test', with_label=True)
    assert len(test) == 30 and test.get_data_info(29)['gt_label'] == 9


def test_prepare_is_rerunnable_and_refuses_another_archive(tmp_path):
    out = prepare_tiny_cifar(str(tmp_path), 'python')
    again = prepare_cifar10.prepare(str(tmp_path / 'cifar-python.tar.gz'),
                                    out, split_sizes=TINY_SPLITS)
    assert again['skipped_run']
    write_jpeg_archive(str(tmp_path / 'other.tar.gz'), cifar_like_images())
    with pytest.raises(SystemExit, match='prepared from another archive'):
        prepare_cifar10.prepare(str(tmp_path / 'other.tar.gz'), out)
    with pytest.raises(SystemExit, match='no such file'):
        prepare_cifar10.prepare(str(tmp_path / 'missing.tar.gz'), out)
    mine = tmp_path / 'my_data'
    (mine / 'keep').mkdir(parents=True)
    with pytest.raises(SystemExit, match='not made by this tool'):
        prepare_cifar10.prepare(str(tmp_path / 'other.tar.gz'), str(mine))
    assert (mine / 'keep').is_dir()            # nothing of theirs removed


def test_prepare_skips_and_names_an_undecodable_image_but_refuses_many(
        tmp_path):
    images = cifar_like_images()
    one = tmp_path / 'one.tar.gz'
    write_jpeg_archive(str(one), images, corrupt={('train', 'dog', 3)})
    summary = prepare_cifar10.prepare(str(one), str(tmp_path / 'one'),
                                      max_unreadable=0.01,
                                      split_sizes=TINY_SPLITS)
    assert summary['counts']['train']['dog'] == 11
    assert summary['unreadable'] == [
        'cifar10/train/dog/0003.jpg (UnidentifiedImageError: cannot identify '
        'image file)']
    many = tmp_path / 'many.tar.gz'
    write_jpeg_archive(str(many), images, corrupt={
        ('train', 'dog', n) for n in range(3)})
    with pytest.raises(SystemExit, match=r'(?s)3 of 150 images.*cannot be '
                       r'decoded.*cifar10/train/dog/0000.jpg'):
        prepare_cifar10.prepare(str(many), str(tmp_path / 'many'))
    assert not osp.exists(tmp_path / 'many')     # nothing half-made
    assert not osp.exists(tmp_path / 'many.partial')


def test_prepare_names_an_archive_that_is_not_cifar(tmp_path):
    path = tmp_path / 'other.tar.gz'
    with tarfile.open(path, 'w:gz') as tar:
        tar.add(__file__, arcname='something/else.py')
    with pytest.raises(SystemExit, match='neither the official'):
        prepare_cifar10.prepare(str(path), str(tmp_path / 'out'))


# ------------------------------------------------------ your own images
def save(path, img):
    os.makedirs(osp.dirname(path), exist_ok=True)
    img.save(path)


def test_empty_or_imageless_folder_names_the_folder_and_what_was_sought(
        tmp_path):
    with pytest.raises(RuntimeError, match=rf'{tmp_path} has no images: '
                       r'looked for files ending in .*\.jpg'):
        ImageFolder(data_root=str(tmp_path))
    (tmp_path / 'notes.txt').write_text('no images here')
    with pytest.raises(RuntimeError, match='has no images'):
        ImageFolder(data_root=str(tmp_path))
    with pytest.raises(FileNotFoundError, match='does not exist.*data_root='):
        ImageFolder(data_root=str(tmp_path / 'missing'))


def test_unreadable_files_are_skipped_in_one_warning_or_refused(tmp_path):
    for i in range(150):   # class subfolders and loose images, any depth
        save(str(tmp_path / ('a' if i % 2 else 'b/c') / f'{i}.png'),
             Image.new('RGB', (8, 8), (i, 0, 0)))
    (tmp_path / 'broken.jpg').write_bytes(b'not an image')
    (tmp_path / 'readme.txt').write_text('ignored, and said so')
    with pytest.warns(UserWarning) as record:
        dataset = ImageFolder(data_root=str(tmp_path))
    messages = [str(w.message) for w in record]
    assert any('Skipping 1 unreadable image(s) of 151' in m
               and 'broken.jpg' in m for m in messages)
    assert any('not images' in m and 'readme.txt' in m for m in messages)
    assert len(dataset) == 150 and dataset.skipped[0].endswith('broken.jpg')
    # a truncated PNG and a truncated JPEG: 3 of 153 is over 1%
    buf = tmp_path / 'a' / 'whole.jpg'
    Image.new('RGB', (64, 64), 'red').save(buf, quality=90)
    data = buf.read_bytes()
    (tmp_path / 'a' / 'whole.jpg').write_bytes(data[:len(data) // 2])
    png = (tmp_path / 'a' / '1.png').read_bytes()
    (tmp_path / 'a' / 'cut.png').write_bytes(png[:40])
    with pytest.raises(RuntimeError, match=r'(?s)3 of 153 images.*more than 1%.*'
                       r'broken.jpg'):
        ImageFolder(data_root=str(tmp_path))


def test_every_image_mode_is_read_as_8_bit_rgb(tmp_path):
    cases = {
        'gray.png': Image.new('L', (5, 4), 200),
        'palette.png': Image.new('P', (5, 4), 3),
        'cmyk.jpg': Image.new('CMYK', (5, 4), (0, 255, 255, 0)),
        'deep.png': Image.fromarray(np.full((4, 5), 65535, np.uint16)),
        'alpha.png': Image.new('RGBA', (5, 4), (255, 0, 0, 0)),
        'gray_alpha.png': Image.new('LA', (5, 4), (10, 255)),
    }
    load = LoadImageRGB()
    out = {}
    for name, img in cases.items():
        save(str(tmp_path / name), img)
        out[name] = load(dict(img_path=str(tmp_path / name)))['img']
        assert out[name].shape == (4, 5, 3) and out[name].dtype == np.uint8
    assert (out['gray.png'] == 200).all()
    assert (out['deep.png'] == 255).all()        # 16-bit scaled, not clipped
    assert (out['alpha.png'] == (124, 116, 104)).all()  # transparent: bg
    assert (out['gray_alpha.png'] == 10).all()   # opaque: its own value
    assert abs(int(out['cmyk.jpg'][0, 0, 0]) - 255) < 3   # CMYK red
    half = Image.fromarray(np.full((4, 5), 32896, np.uint16))
    save(str(tmp_path / 'half.png'), half)
    assert (load(dict(img_path=str(tmp_path / 'half.png')))['img']
            == 128).all()
    with pytest.raises(IOError, match=r'broken.png.*dataset index 7'):
        (tmp_path / 'broken.png').write_bytes(b'x')
        load(dict(img_path=str(tmp_path / 'broken.png'), sample_idx=7))


IMAGE_FOLDER_CONFIG = osp.join(
    ROOT, 'configs/masked_pretrain/'
    'masked-finola-b_vit-tiny-p4_1xb64-2k_image-folder-32px.py')


def test_own_images_of_any_size_and_mode_pretrain(tmp_path, tiny_cfg):
    """The documented command on a folder of odd images: small ones are
    resized up, modes converted, a broken file skipped; one iteration."""
    from mmengine.runner import Runner
    folder = tmp_path / 'images'
    save(str(folder / 'tiny.png'), Image.new('L', (9, 7), 90))
    save(str(folder / 'sub' / 'wide.jpg'), Image.new('RGB', (300, 80), 'red'))
    save(str(folder / 'sub' / 'deep' / 'rgba.png'),
         Image.new('RGBA', (40, 40), (0, 0, 255, 128)))
    save(str(folder / 'cmyk.jpg'), Image.new('CMYK', (50, 60)))
    for i in range(100):
        save(str(folder / 'many' / f'{i}.png'), Image.new('P', (20, 20), i))
    (folder / 'broken.png').write_bytes(b'\x89PNG truncated')
    cfg = tiny_cfg(IMAGE_FOLDER_CONFIG, tmp_path / 'work', str(folder),
                   iters=1, batch=4)
    with pytest.warns(UserWarning, match='broken.png'):
        runner = Runner.from_cfg(cfg)
        runner.train()
    assert runner.iter == 1
    knn = next(h for h in runner.hooks if type(h).__name__ ==
               'OnlineKNNHook')
    assert not knn.enabled   # no labels: it says so and scores nothing
    batch = next(iter(runner.train_dataloader))
    assert all(tuple(x.shape) == (3, 32, 32) for x in batch['inputs'])


def test_online_knn_reads_validation_never_test(cifar_folder, tiny_cfg,
                                               tmp_path):
    """With the test images gone, CIFAR-10 pretraining (whose online kNN
    scores the `val_query` split) still runs."""
    from mmengine.runner import Runner
    no_test = tmp_path / 'cifar'
    shutil.copytree(cifar_folder, no_test, ignore=shutil.ignore_patterns(
        'test'))
    cfg = tiny_cfg(osp.join(ROOT, 'configs/masked_pretrain/'
                            'mae_vit-tiny-p4_1xb64-2k_cifar10-32px.py'),
                   tmp_path / 'work', iters=1, batch=2,
                   cifar_folder=str(no_test))
    runner = Runner.from_cfg(cfg)
    runner.train()
    hook = next(h for h in runner.hooks if type(h).__name__ ==
                'OnlineKNNHook')
    labels = [s.gt_label.item() for b in hook.query for s in
              b['data_samples']]
    assert len(labels) == 4 and len(set(labels)) == 4  # balanced prefix


def test_frozen_test_subset_is_class_balanced_on_a_sorted_folder(
        cifar_folder):
    from mmengine.config import Config

    from finola_mm.evaluation.knn import eval_loader
    cfg = Config.fromfile(osp.join(
        ROOT, 'configs/benchmarks/'
        'linear-probe_vit-tiny-p4_1xb256-500it_cifar10-32px.py'))
    for loader in (cfg.train_dataloader, cfg.test_dataloader):
        loader.dataset.data_root = cifar_folder
        loader.update(num_workers=0, persistent_workers=False)
    test = eval_loader(cfg, True, 10)
    assert sorted(test.dataset.get_gt_labels().tolist()) == list(range(10))
    probe = eval_loader(cfg, False, 20, 'probe')
    assert (np.bincount(probe.dataset.get_gt_labels()) == 2).all()


def test_a_choice_scores_validation_and_never_reads_test(cifar_folder,
                                                        tmp_path):
    """knn_eval --query-split val: the probe split is the bank, `val` is
    scored, and the test images may as well not exist."""
    from mmengine.config import Config

    from finola_mm.evaluation import frozen_features
    from tools.analysis.knn_eval import score_validation_instead
    no_test = tmp_path / 'cifar'
    shutil.copytree(cifar_folder, no_test, ignore=shutil.ignore_patterns(
        'test'))
    cfg = Config.fromfile(osp.join(
        ROOT, 'configs/benchmarks/'
        'linear-probe_vit-tiny-p4_1xb256-500it_cifar10-32px.py'))
    cfg.train_dataloader.dataset.data_root = str(no_test)
    cfg.test_dataloader.update(num_workers=0, persistent_workers=False)
    score_validation_instead(cfg)
    (bank, bank_labels), (val, val_labels) = frozen_features(cfg)
    assert len(bank) == 40 and len(val) == 20   # 4 and 2 per class
    assert (np.bincount(val_labels.numpy()) == 2).all()
