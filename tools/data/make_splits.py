"""Write a dataset's fixed class-balanced splits, ``DATA_ROOT/splits.json``
(``finola_mm.datasets.splits``): the validation split and the probe, kNN,
low-shot and online-kNN subsets, all drawn from the training images.

    python tools/data/make_splits.py --data-root data/fashion_mnist
    python tools/data/make_splits.py --data-root data/cifar10       # train/<class>/
    python tools/data/make_splits.py --data-root MY_SET --val 50 --probe 100 \
        --lowshot 10 --online-bank 20 --val-query 10                  # a small set

Fashion-MNIST is recognised by its idx files; any other root is an image
folder with one subfolder per class under ``DATA_ROOT/train``. An existing
file made for the same labels and sizes is kept (the splits never move
under a running study); ``--force`` rewrites it.
"""
import argparse
import os.path as osp

from finola_mm.datasets.splits import (DEFAULT_PER_CLASS, SPLITS_FILE,
                                       labels_digest, load_splits,
                                       write_splits)

SIZES = ('val', 'probe', 'lowshot', 'online_bank', 'val_query')


def training_labels(data_root: str) -> list:
    """Labels of the training set under ``data_root``, in dataset order."""
    if osp.isfile(osp.join(data_root, 'train-labels-idx1-ubyte')):
        from finola_mm.datasets import LocalFashionMNIST
        dataset = LocalFashionMNIST(data_root=data_root, lazy_init=True)
    else:
        from finola_mm.datasets import ImageFolder
        dataset = ImageFolder(data_root=data_root, data_prefix='train',
                              with_label=True, check_images=False,
                              lazy_init=True)
    return [int(d['gt_label']) for d in dataset.load_data_list()]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--data-root', required=True)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--force', action='store_true')
    for key in SIZES:
        parser.add_argument('--' + key.replace('_', '-'), type=int,
                            metavar='N', help=f'images per class (default '
                            f'{DEFAULT_PER_CLASS[key]})')
    args = parser.parse_args(argv)
    sizes = {k: getattr(args, k) for k in SIZES
             if getattr(args, k) is not None}
    labels = training_labels(args.data_root)
    path = osp.join(args.data_root, SPLITS_FILE)
    if osp.isfile(path) and not args.force:
        old = load_splits(args.data_root)
        if old['labels_sha256'] == labels_digest(labels) and \
                old['seed'] == args.seed and \
                old['per_class'] == dict(DEFAULT_PER_CLASS, **sizes):
            print(f'{path}: up to date')
            return path
        raise SystemExit(f'{path} exists with other labels, seed or sizes; '
                         f'pass --force to rewrite it (every result made '
                         f'on the old splits is then on other images).')
    path = write_splits(args.data_root, labels, args.seed, **sizes)
    content = load_splits(args.data_root)
    print(f'{path}: ' + ', '.join(f'{k} {len(v)}' for k, v in
                                  content['splits'].items()))
    return path


if __name__ == '__main__':
    main()
