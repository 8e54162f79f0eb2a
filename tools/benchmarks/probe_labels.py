"""Benchmark: how the gap between a pretrained and a random-init encoder
depends on the number of labelled images the frozen-feature probe sees.

Extracts frozen features once per encoder (the probe config's reading:
final-normed tokens, average-pooled) for the first --train-images images
of the `train` split (the training images less `val`, stored round-robin
over classes, so every prefix is class-balanced) and --test-images test
images (round-robin over classes), then trains the feature
linear probe (BN + linear, 30 epochs, as compare_ssl) and scores kNN on the
first N of them for each N in --labels, and on --subsets random subsets of
--subset-size labels. Prints a table and writes JSON.

    python tools/benchmarks/probe_labels.py --ckpt mae=work_dirs/.../iter_2000.pth
"""
import argparse
import json
import os
import os.path as osp
import sys

import torch

# the repository root, so that `tools.` imports when run as a script
sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
from tools.benchmarks.engine import (  # noqa: E402
    REPO as ROOT, markdown_table)

PROBE = ('configs/benchmarks/'
         'linear-probe_vit-tiny-p4_1xb256-500it_fmnist-32px.py')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--ckpt', nargs='+', required=True,
                        metavar='NAME=PATH')
    parser.add_argument('--probe-config', default=PROBE)
    parser.add_argument('--train-images', type=int, default=20000)
    parser.add_argument('--test-images', type=int, default=5000)
    parser.add_argument('--labels', type=int, nargs='+',
                        default=[500, 1000, 2000, 5000, 10000, 20000])
    parser.add_argument('--subsets', type=int, default=4)
    parser.add_argument('--subset-size', type=int, default=1000)
    parser.add_argument('--seed', type=int, default=0,
                        help='the random-init control\'s weights')
    parser.add_argument('--out', default=osp.join(
        ROOT, 'work_dirs/benchmarks/probe_labels.json'))
    return parser.parse_args()


def features(cfg_path: str, ckpt, seed: int, train: int, test: int):
    from mmengine.config import Config

    from finola_mm.evaluation import frozen_features
    cfg = Config.fromfile(osp.join(ROOT, cfg_path))
    cfg.model.backbone.init_cfg = dict(
        type='Pretrained', checkpoint=ckpt, prefix='backbone.') if ckpt \
        else None
    torch.manual_seed(seed)
    return frozen_features(cfg, train, test, train_split='train')


def scores(feats, idx, seed: int) -> tuple:
    from finola_mm.evaluation import knn_accuracy, train_linear_probe
    (xtr, ytr), (xte, yte) = feats
    linear = train_linear_probe(xtr[idx], ytr[idx], xte, yte, epochs=30,
                                seed=seed)['linear/top1']
    return linear, knn_accuracy(xtr[idx], ytr[idx], xte, yte)['knn/top1']


def main():
    args = parse_args()
    encoders = {'random-init': None}
    encoders.update(item.split('=', 1) for item in args.ckpt)
    feats = {name: features(args.probe_config, ckpt, args.seed,
                            args.train_images, args.test_images)
             for name, ckpt in encoders.items()}
    rows, names = [], list(encoders)
    subsets = [('first', n, torch.arange(n)) for n in args.labels]
    subsets += [(f'random {s}', args.subset_size, torch.randperm(
        args.train_images, generator=torch.Generator().manual_seed(s))[
            :args.subset_size]) for s in range(args.subsets)]
    for kind, n, idx in subsets:
        result = {name: scores(feats[name], idx, args.seed)
                  for name in names}
        rows.append(dict(labels=n, subset=kind, **{
            f'{name}/{m}': result[name][i] for name in names
            for i, m in enumerate(('linear', 'knn'))}))
        print(f'{n} labels ({kind}): ' + ', '.join(
            f'{name} {result[name][0]:.2f}' for name in names), flush=True)
    head = ['labels', 'subset'] + [f'{n} {m}' for n in names
                                   for m in ('linear', 'kNN')]
    head += [f'{n} - random-init linear' for n in names[1:]]
    body = [[r['labels'], r['subset']] +
            [f'{r[f"{n}/{m}"]:.2f}' for n in names for m in ('linear', 'knn')]
            + [f'{r[f"{n}/linear"] - r["random-init/linear"]:+.2f}'
               for n in names[1:]] for r in rows]
    print(f'\nfrozen features of {args.train_images} training / '
          f'{args.test_images} test images; probe: BN + linear, 30 epochs; '
          f'kNN k=20\n')
    print(markdown_table(head, body))
    os.makedirs(osp.dirname(args.out), exist_ok=True)
    with open(args.out, 'w') as f:
        json.dump(dict(args=vars(args), rows=rows), f, indent=2)
    print(f'\nwrote {args.out}')


if __name__ == '__main__':
    main()
