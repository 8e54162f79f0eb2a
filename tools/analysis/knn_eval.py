"""kNN accuracy of a frozen encoder: no training, seconds to minutes.

The config is a classification config (the linear-probe ones); its backbone
is loaded from --pretrained (a pretraining or backbone-only checkpoint) or
left random (the control). Features (test pipeline) of the fixed
class-balanced `probe` split of the training images are the memory bank
(--train-split; finola_mm.datasets.splits); the test split is scored with
weighted kNN (k=20, T=0.07).

    python tools/analysis/knn_eval.py \
        configs/benchmarks/linear-probe_vit-tiny-p4_1xb256-500it_fmnist-32px.py \
        --pretrained work_dirs/.../iter_1000.pth
"""
import argparse
import json
import os.path as osp
import sys

from mmengine.config import Config

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
from finola_mm.evaluation import knn_eval  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='classification config')
    parser.add_argument('--pretrained', help='checkpoint for the backbone '
                        "(keys under 'backbone.'); none = random init")
    parser.add_argument('--train-split', default='probe',
                        help='the split of the training images that is the '
                        'memory bank (train, val, probe, lowshot, ...)')
    parser.add_argument('--num-train', type=int,
                        help='first N images of that split (class-balanced; '
                        'default: all)')
    parser.add_argument('--num-test', type=int,
                        help='N test images, round-robin over classes '
                        '(default: all)')
    parser.add_argument('--k', type=int, default=20)
    parser.add_argument('--temperature', type=float, default=0.07)
    parser.add_argument('--out', help='write the result as JSON here')
    args = parser.parse_args()

    cfg = Config.fromfile(args.config)
    if args.pretrained:
        cfg.model.backbone.init_cfg = dict(
            type='Pretrained', checkpoint=args.pretrained, prefix='backbone.')
    result = knn_eval(cfg, args.num_train, args.num_test, args.k,
                      args.temperature, progress=True,
                      train_split=args.train_split)
    result.update(config=args.config, pretrained=args.pretrained)
    print(f"\nkNN top-1 {result['knn/top1']:.2f}  top-5 "
          f"{result['knn/top5']:.2f}  ({result['num_train']} train, "
          f"{result['num_test']} test, k={args.k}, T={args.temperature})")
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(result, f, indent=2)


if __name__ == '__main__':
    main()
