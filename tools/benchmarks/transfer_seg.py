"""Benchmark: semantic-segmentation transfer of Masked FINOLA, MAE and SimMIM
encoders on the demo segmentation set (128 px, 11 classes), with a
random-init control row.

For each pretraining checkpoint (``--ckpt``, or made here by a short run of
each method's 32 px pretraining config, one process per method) a demo
UperNet (configs/benchmarks/mmseg/demo/) is trained from it and scored on
the demo val split with the config's test loop (IoUMetric: mIoU, aAcc).
The segmentors run in this process, one Runner each; logs and checkpoints
go under --out-dir. Every pretraining and segmentor is a stage keyed by its
full config: a rerun of the command reads finished ones back and redoes
those whose config changed.

    python tools/benchmarks/transfer_seg.py                      # < 60 min
    python tools/benchmarks/transfer_seg.py --encoder mobile-former-tiny --frozen
    python tools/benchmarks/transfer_seg.py --ckpt mae=A masked-finola-e=B
    python tools/benchmarks/transfer_seg.py --smoke              # seconds

Prints a markdown table and writes it with JSON (engine.write_report). What it can rank: like the
detection demo, 300 images and a few hundred iterations rank only large
differences (docs/segmentation_transfer.md).
"""
import argparse
import os
import os.path as osp
import sys
import time

# Before torch loads (here and in the runs it starts): see transfer_det.py
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
# the repository root, so that `tools.` imports when run as a script
sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
from tools.data.make_demo_seg import make_demo_seg  # noqa: E402
from tools.benchmarks.engine import (  # noqa: E402
    PRETRAIN_METHODS, REPO as ROOT, Progress, config_digest, config_stage,
    log, parse_ckpts, short_pretrain, short_pretrain_config,
    shorten_schedule, table, train_and_test, write_report)

SEGMENTOR = ('configs/benchmarks/mmseg/demo/'
             'upernet_{encoder}_{mode}_demo-seg-128px.py')
ENCODERS = ('vit-tiny-p4', 'mobile-former-tiny')
CONTROL = 'random-init'
FULL = dict(pretrain_iters=150, pretrain_batch=32, seg_iters=300,
            seg_batch=8)
SMOKE = dict(pretrain_iters=2, pretrain_batch=4, seg_iters=2, seg_batch=2,
             num_images=4)


def segmentor_cfg(name: str, ckpt, args, sizes: dict):
    """The demo segmentor's config on ``args.data_root``, shortened to
    ``sizes['seg_iters']``, its backbone from ``ckpt`` (None: random)."""
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(ROOT, SEGMENTOR.format(
        encoder=args.encoder, mode='frozen' if args.frozen else 'ft')))
    shorten_schedule(cfg, sizes['seg_iters'])
    cfg.default_hooks.checkpoint.interval = sizes['seg_iters']
    cfg.train_dataloader.batch_size = sizes['seg_batch']
    for split in ('train', 'val', 'test'):
        loader = cfg.get(f'{split}_dataloader')
        loader.dataset.data_root = args.data_root
        if sizes.get('num_images'):
            loader.dataset.indices = sizes['num_images']
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None  # test later
    if ckpt:
        cfg.model.backbone.init_cfg = dict(type='Pretrained',
                                           checkpoint=ckpt, prefix='backbone.')
    # all runs share this process: each gets its own logger and visualizer
    cfg.experiment_name = cfg.visualizer.name = f'transfer_seg_{name}'
    cfg.work_dir = osp.join(args.out_dir, 'seg', name)
    return cfg


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--ckpt', nargs='+', metavar='METHOD=PATH',
                        help='pretraining (or backbone-only) checkpoints; '
                        'without it each method is pretrained here')
    parser.add_argument('--encoder', default='vit-tiny-p4', choices=ENCODERS)
    parser.add_argument('--frozen', action='store_true',
                        help='freeze the encoder (pyramid and heads train)')
    parser.add_argument('--pretrain-iters', type=int)
    parser.add_argument('--seg-iters', type=int)
    parser.add_argument('--data-root', default=osp.join(ROOT, 'data',
                                                        'demo_seg'))
    parser.add_argument('--coco-root', default=osp.join(ROOT, 'data',
                                                        'demo_coco'))
    parser.add_argument('--out-dir', default=osp.join(
        ROOT, 'work_dirs/benchmarks/transfer_seg'))
    parser.add_argument('--smoke', action='store_true',
                        help='a few iterations on a few images (tests)')
    return parser.parse_args()


def pretrain_stage(method: str, args, sizes: dict) -> tuple:
    """A short pretraining of ``method`` as a stage -> (checkpoint,
    cached)."""
    cfg = short_pretrain_config(method, args.encoder, sizes['pretrain_iters'],
                                sizes['pretrain_batch'])
    res, cached = config_stage(
        osp.join(args.out_dir, 'pretrain', method, 'result.json'),
        lambda: dict(checkpoint=short_pretrain(
            method, args.encoder, sizes['pretrain_iters'],
            sizes['pretrain_batch'],
            osp.join(args.out_dir, 'pretrain', method))),
        config_digest(cfg))
    return res['checkpoint'], cached


def segmentor_stage(method: str, ckpt, args, sizes: dict) -> tuple:
    """One segmentor trained and tested as a stage -> (row, cached)."""
    cfg = segmentor_cfg(method, ckpt, args, sizes)
    return config_stage(
        osp.join(cfg.work_dir, 'result.json'),
        lambda: dict(method=method, encoder=args.encoder,
                     frozen=args.frozen, checkpoint=ckpt,
                     **train_and_test(cfg, osp.join(cfg.work_dir,
                                                    'run.log'))),
        config_digest(cfg))


def main():
    args = parse_args()
    sizes = dict(SMOKE if args.smoke else FULL)
    for key in ('pretrain_iters', 'seg_iters'):
        sizes[key] = getattr(args, key) or sizes[key]
    start = time.perf_counter()
    meta = make_demo_seg(args.data_root, args.coco_root)
    log(f'demo segmentation set {meta["out_dir"]}: '
        f'{meta["summary"]["train"]["images"]} train / '
        f'{meta["summary"]["val"]["images"]} val images')
    methods = PRETRAIN_METHODS[args.encoder]
    ckpts = parse_ckpts(args.ckpt)
    progress = Progress((0 if ckpts else len(methods)) + 1 +
                        len(ckpts or methods))
    if not ckpts:
        for m in methods:
            ckpts[m], cached = pretrain_stage(m, args, sizes)
            progress.step(f'pretrained {m}', cached)
    import finola_mm  # noqa: F401  registers modules, safe loading
    rows = []
    for method, ckpt in [(CONTROL, None)] + list(ckpts.items()):
        row, cached = segmentor_stage(method, ckpt, args, sizes)
        progress.step(f'segmentor from {method}: mIoU '
                      f'{row["metrics"].get("mIoU")}', cached)
        rows.append(row)

    import torch
    note = (f'UperNet, {args.encoder}, '
            f'{"frozen" if args.frozen else "fine-tuned"}, '
            f'{sizes["seg_iters"]} iterations of {sizes["seg_batch"]} '
            f'images; mIoU / aAcc (%) on the demo val split; '
            f'{torch.get_num_threads()} threads')
    write_report(osp.join(args.out_dir, 'transfer_seg'), dict(main=table(
        f'transfer_seg: {args.encoder}', ['method', 'encoder', 'frozen',
                                          'train s', 'mIoU', 'aAcc'],
        [[r['method'], r['encoder'], 'yes' if r['frozen'] else 'no',
          f'{r["train_s"]:.0f}', f'{r["metrics"].get("mIoU", 0):.2f}',
          f'{r["metrics"].get("aAcc", 0):.2f}'] for r in rows], note)),
        dict(sizes=sizes, rows=rows), start)


if __name__ == '__main__':
    main()
