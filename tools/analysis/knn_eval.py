"""kNN (and, with --linear, feature linear-probe) accuracy of a frozen
encoder: no training of the encoder, seconds to minutes.

The config is a classification config (the linear-probe ones); its backbone
is loaded from --pretrained (a pretraining or backbone-only checkpoint) or
left random (the control). Features (test pipeline) of the fixed
class-balanced `probe` split of the training images are the memory bank
(--train-split; finola_mm.datasets.splits). The scored images are the test
split, or with ``--query-split val`` the validation split, on which every
choice is made (the test images stay unread). Weighted kNN (k=20, T=0.07);
``--linear`` adds compare_ssl's feature probe (BN + linear, 30 epochs) on
the bank and on its first --lowshot-labels images (100 per class).

    python tools/analysis/knn_eval.py \
        configs/benchmarks/linear-probe_vit-tiny-p4_1xb256-500it_fmnist-32px.py \
        --pretrained work_dirs/.../iter_1000.pth [--query-split val] [--linear]
"""
import argparse
import json
import os.path as osp
import sys

import torch
from mmengine.config import Config

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
from finola_mm.evaluation import frozen_features, frozen_readout  # noqa: E402


def score_validation_instead(cfg) -> None:
    """Point ``cfg``'s test loader at the `val` split of the training
    images (test pipeline): choices never read the test images."""
    cfg.test_dataloader.dataset = dict(
        cfg.train_dataloader.dataset, split='val',
        pipeline=cfg.test_dataloader.dataset.pipeline)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='classification config')
    parser.add_argument('--pretrained', help='checkpoint for the backbone '
                        "(keys under 'backbone.'); none = random init")
    parser.add_argument('--train-split', default='probe',
                        help='the split of the training images that is the '
                        'memory bank (train, val, probe, lowshot, ...)')
    parser.add_argument('--query-split', choices=('test', 'val'),
                        default='test', help='the images scored')
    parser.add_argument('--num-train', type=int,
                        help='first N images of that split (class-balanced; '
                        'default: all)')
    parser.add_argument('--num-test', type=int,
                        help='N scored images, round-robin over classes '
                        '(default: all)')
    parser.add_argument('--k', type=int, default=20)
    parser.add_argument('--temperature', type=float, default=0.07)
    parser.add_argument('--linear', action='store_true',
                        help='also train the feature linear probe')
    parser.add_argument('--lowshot-labels', type=int, default=1000)
    parser.add_argument('--seed', type=int, default=0,
                        help='the probe\'s and the random encoder\'s seed')
    parser.add_argument('--out', help='write the result as JSON here')
    args = parser.parse_args()

    cfg = Config.fromfile(args.config)
    if args.pretrained:
        cfg.model.backbone.init_cfg = dict(
            type='Pretrained', checkpoint=args.pretrained, prefix='backbone.')
    if args.query_split == 'val':
        score_validation_instead(cfg)
    torch.manual_seed(args.seed)  # the random-init control's weights
    train, query = frozen_features(cfg, args.num_train, args.num_test,
                                   progress=True,
                                   train_split=args.train_split)
    result = dict(frozen_readout(train, query, args.linear,
                                 args.lowshot_labels if args.linear else 0,
                                 seed=args.seed, k=args.k,
                                 temperature=args.temperature),
                  num_train=len(train[0]), num_query=len(query[0]),
                  train_split=args.train_split, query_split=args.query_split,
                  k=args.k, temperature=args.temperature)
    line = (f"\nkNN top-1 {result['knn/top1']:.2f}  top-5 "
            f"{result['knn/top5']:.2f}")
    if args.linear:
        line += (f"  linear top-1 {result['linear/top1']:.2f}  "
                 f"{result['lowshot_labels']}-label linear top-1 "
                 f"{result['lowshot/top1']:.2f}")
    result.update(config=args.config, pretrained=args.pretrained)
    print(f"{line}  ({result['num_train']} {args.train_split} / "
          f"{result['num_query']} {args.query_split} images, k={args.k}, "
          f"T={args.temperature})")
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(result, f, indent=2)


if __name__ == '__main__':
    main()
