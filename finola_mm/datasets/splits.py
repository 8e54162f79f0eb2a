"""Fixed, class-balanced splits of a training set, written once per dataset.

Every tool reads its subsets from one file, ``<data_root>/splits.json``, so
a choice made on ``val`` never sees the test images and a probe never reads
"the first N images" (one or two classes on a class-sorted folder).

Each split is a list of indices into the full training set (the idx files'
order for Fashion-MNIST, the sorted ``<class>/<file>`` listing of
``train/`` for an image folder). Indices are drawn per class with a fixed
seed and stored **round-robin over classes** (class 0's first, class 1's
first, ..., class 0's second, ...), so every prefix of a split is
class-balanced too: ``indices=N`` on top of a split stays balanced.

Splits (``per_class`` counts; the defaults are for CIFAR-10 and
Fashion-MNIST, 5,000 and 6,000 training images per class):

- ``val``: ``val`` per class, for every choice (never pretrained on);
- ``train``: every other training image, what pretraining reads;
- ``probe``: ``probe`` per class from ``train``: the linear probe's
  training set and the kNN bank;
- ``lowshot``: the first ``lowshot`` per class of ``probe`` (1,000 labels);
- ``online_bank``: the first ``online_bank`` per class of ``probe``
  (the online kNN hook's bank);
- ``val_query``: the first ``val_query`` per class of ``val`` (the online
  kNN hook's queries).
"""
import hashlib
import json
import os.path as osp
from typing import Dict, Optional, Sequence

import numpy as np

SPLITS_FILE = 'splits.json'
DEFAULT_PER_CLASS = dict(val=500, probe=1000, lowshot=100, online_bank=200,
                         val_query=100)
SPLIT_NAMES = ('train', 'val', 'probe', 'lowshot', 'online_bank',
               'val_query')


def labels_digest(labels: Sequence[int]) -> str:
    """sha256 of the label sequence: a split file fits only these labels."""
    array = np.asarray(labels, dtype=np.int64)
    return hashlib.sha256(array.tobytes()).hexdigest()


def round_robin(per_class: list) -> list:
    """[[class 0 indices], [class 1 indices], ...] -> one list taking one
    index of each class in turn (a class that runs out is skipped)."""
    longest = max((len(c) for c in per_class), default=0)
    return [int(c[i]) for i in range(longest) for c in per_class
            if i < len(c)]


def make_splits(labels: Sequence[int], seed: int = 0,
                **per_class: int) -> dict:
    """The split file's content for ``labels`` (N,) of a training set.

    Args:
        labels: class index of each training image, in dataset order.
        seed (int): the per-class draw.
        **per_class: overrides of :data:`DEFAULT_PER_CLASS`.

    Returns:
        dict with ``splits`` ({name: [indices]}), ``per_class``, ``seed``,
        ``num_images``, ``class_counts`` and ``labels_sha256``.
    """
    unknown = set(per_class) - set(DEFAULT_PER_CLASS)
    if unknown:
        raise ValueError(f'unknown split sizes {sorted(unknown)}; known: '
                         f'{sorted(DEFAULT_PER_CLASS)}.')
    sizes = dict(DEFAULT_PER_CLASS, **per_class)
    if not (sizes['lowshot'] <= sizes['probe'] and sizes['online_bank']
            <= sizes['probe'] and sizes['val_query'] <= sizes['val']):
        raise ValueError(f'lowshot and online_bank must not exceed probe, '
                         f'nor val_query val; got {sizes}.')
    labels = np.asarray(labels, dtype=np.int64)
    classes = np.unique(labels)
    if len(classes) < 2 or (labels < 0).any():
        raise ValueError('class-balanced splits need labelled images of at '
                         f'least two classes; got classes {classes.tolist()}.')
    need = sizes['val'] + sizes['probe']
    rng = np.random.default_rng(seed)
    drawn = {}
    for c in classes:
        members = np.flatnonzero(labels == c)
        if len(members) < need + 1:
            raise ValueError(
                f'class {int(c)} has {len(members)} training images; the '
                f'splits need more than val + probe = {need} per class. '
                f'Make the split file with smaller sizes, e.g. '
                f'`python tools/data/make_splits.py ... --val 50 --probe 100 '
                f'--lowshot 10 --online-bank 20 --val-query 10`.')
        drawn[int(c)] = rng.permutation(members)
    val = [d[:sizes['val']] for d in drawn.values()]
    rest = [d[sizes['val']:] for d in drawn.values()]
    splits = dict(
        train=round_robin([np.sort(r) for r in rest]),
        val=round_robin(val),
        probe=round_robin([r[:sizes['probe']] for r in rest]),
        lowshot=round_robin([r[:sizes['lowshot']] for r in rest]),
        online_bank=round_robin([r[:sizes['online_bank']] for r in rest]),
        val_query=round_robin([v[:sizes['val_query']] for v in val]))
    return dict(splits=splits, per_class=sizes, seed=seed,
                num_images=int(len(labels)),
                class_counts={int(c): int((labels == c).sum())
                              for c in classes},
                labels_sha256=labels_digest(labels))


def write_splits(data_root: str, labels: Sequence[int], seed: int = 0,
                 **per_class: int) -> str:
    """Write ``<data_root>/splits.json`` (atomically); returns its path."""
    from finola_mm.utils.atomic_io import atomic_write
    path = osp.join(data_root, SPLITS_FILE)
    content = make_splits(labels, seed, **per_class)
    atomic_write(json.dumps(content).encode(), path)
    return path


def read_split(data_root: str, name: str,
               labels: Optional[Sequence[int]] = None) -> list:
    """Indices of split ``name`` from ``<data_root>/splits.json``.

    With ``labels`` (the training set's, in dataset order) the file is
    checked to have been made for exactly these labels.
    """
    if name not in SPLIT_NAMES:
        raise ValueError(f'split {name!r} is not one of {SPLIT_NAMES}.')
    content = load_splits(data_root)
    if labels is not None and \
            content['labels_sha256'] != labels_digest(labels):
        raise RuntimeError(
            f'{osp.join(data_root, SPLITS_FILE)} was made for other '
            f'training images ({content["num_images"]} images, classes '
            f'{content["class_counts"]}; this set has {len(labels)}). '
            f'Delete it and re-create it with `python tools/data/'
            f'make_splits.py --data-root {data_root}`.')
    return content['splits'][name]


def load_splits(data_root: str) -> Dict:
    """The content of ``<data_root>/splits.json``, with a fix if missing."""
    path = osp.join(data_root, SPLITS_FILE)
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'{path} is missing: the fixed train/val/probe splits are made '
            f'once per dataset. Run `bash tools/setup.sh`, or `python '
            f'tools/data/make_splits.py --data-root {data_root}`.')
    with open(path) as f:
        return json.load(f)
