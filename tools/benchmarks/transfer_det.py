"""Benchmark: detection transfer of Masked FINOLA, MAE and SimMIM encoders
on the demo COCO set (128 px), with a random-init control row.

For each pretraining checkpoint (given with ``--ckpt``, or made here by a
short run of each method's 32 px pretraining config with tools/train.py, one
process per method) a demo detector (configs/benchmarks/mmdet/demo/) is
trained from it and scored on the demo val split with the config's test
loop (CocoMetric: bbox, and segm for Mask R-CNN). The detectors run in this
process, one Runner each (process start-up costs more than a smoke run);
logs and checkpoints go under --out-dir.

    python tools/benchmarks/transfer_det.py                      # 37 min
    python tools/benchmarks/transfer_det.py --encoder mobile-former-tiny \
        --detector retinanet --frozen
    python tools/benchmarks/transfer_det.py --ckpt mae=A masked-finola-e=B
    python tools/benchmarks/transfer_det.py --smoke              # seconds

Prints a markdown table and writes JSON (work_dirs/benchmarks/).
"""
import argparse
import json
import os
import os.path as osp
import platform
import time

# Before torch loads (here and in the runs it starts): OpenMP threads that
# spin while waiting make many small ops 10-100x slower whenever another
# process shares the 2 cores; sleeping costs little when they are idle.
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
from finola_mm.datasets.demo_coco import make_demo_coco  # noqa: E402
from finola_mm.utils.benchmark import (PRETRAIN_METHODS,  # noqa: E402
                                       REPO as ROOT, Progress,
                                       markdown_table, parse_ckpts,
                                       short_pretrain, train_and_test)

DETECTOR = ('configs/benchmarks/mmdet/demo/'
            '{detector}_{encoder}-{neck}_{mode}_demo-coco-128px.py')
ENCODERS = {  # name: (config name, neck)
    'vit-tiny': ('vit-tiny-p4', 'sfp'),
    'mobile-former-tiny': ('mobile-former-tiny', 'fpn'),
}
CONTROL = 'random-init'
# Defaults measured to finish on 2 CPU cores within the hour (see
# docs/detection_transfer.md); --smoke is for tests.
FULL = dict(pretrain_iters=150, det_iters=200, num_train=300, num_val=100,
            pretrain_batch=32, det_batch=4)
SMOKE = dict(pretrain_iters=2, det_iters=2, num_train=4, num_val=2,
             pretrain_batch=4, det_batch=2)


def log(msg: str) -> None:
    print(f'[{time.strftime("%H:%M:%S")}] {msg}', flush=True)


def make_demo_set(data_root: str, num_train: int, num_val: int) -> dict:
    """The demo COCO set (made once; kept if its meta matches)."""
    return make_demo_coco(data_root, num_train=num_train, num_val=num_val,
                          img_size=128, seed=0)


def data_options(data_root: str) -> dict:
    """Config options pointing the demo configs' loaders and metrics at
    ``data_root`` (as tools/train.py --cfg-options k=v)."""
    root = osp.abspath(data_root) + '/'
    ann = root + 'annotations/instances_val.json'
    options = {f'{split}_dataloader.dataset.data_root': root
               for split in ('train', 'val', 'test')}
    return dict(options, **{f'{split}_evaluator.ann_file': ann
                            for split in ('val', 'test')})


def pretrain(method: str, encoder: str, iters: int, batch: int,
             out_dir: str) -> str:
    """A short run of the method's 32 px pretraining config -> checkpoint."""
    start = time.perf_counter()
    ckpt = short_pretrain(method, ENCODERS[encoder][0], iters, batch,
                          osp.join(out_dir, 'pretrain', method))
    log(f'  pretrained {method} ({iters} iterations) in '
        f'{time.perf_counter() - start:.0f} s')
    return ckpt


def detector_cfg(cfg_path: str, name: str, ckpt, args, sizes: dict):
    """The demo detector's config, its backbone initialised from ``ckpt``
    exactly as by ``tools/train.py --pretrained ckpt`` (None: random)."""
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(ROOT, cfg_path))
    iters = sizes['det_iters']
    cfg.merge_from_dict(dict(data_options(args.data_root), **{
        'train_cfg.max_iters': iters,
        'param_scheduler.1.end': iters,
        'param_scheduler.1.milestones': [iters * 2 // 3, iters * 11 // 12],
        'default_hooks.checkpoint.interval': iters,
        'train_dataloader.batch_size': sizes['det_batch']}))
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None  # test later
    if ckpt:
        cfg.model.backbone.init_cfg = dict(type='Pretrained',
                                           checkpoint=ckpt, prefix='backbone.')
    # all runs share this process: each gets its own logger and visualizer
    cfg.experiment_name = cfg.visualizer.name = f'transfer_det_{name}'
    cfg.work_dir = osp.join(args.out_dir, 'det', name)
    return cfg


def train_detector(cfg_path: str, name: str, ckpt, args, sizes: dict):
    """Train one demo detector, then score it on the val split with the
    config's test loop (CocoMetric) -> timings and metrics. Its log goes to
    its work dir's run.log, as for the pretraining runs."""
    import finola_mm  # noqa: F401  registers modules, safe loading
    res = train_and_test(detector_cfg(cfg_path, name, ckpt, args, sizes),
                         osp.join(args.out_dir, 'det', name, 'run.log'))
    res['metrics'] = {k: v for k, v in res['metrics'].items()
                      if k.startswith('coco/')}
    log(f'  {name}: trained {sizes["det_iters"]} iterations in '
        f'{res["train_s"]:.0f} s, tested in {res["test_s"]:.0f} s, bbox mAP '
        f'{res["metrics"].get("coco/bbox_mAP")}')
    return res


def table(rows: list) -> str:
    def num(r, key):
        value = r['metrics'].get(key)
        return '-' if value is None else f'{100 * value:.1f}'
    return markdown_table(
        ['method', 'encoder', 'detector', 'frozen', 'train s', 'bbox mAP',
         'bbox mAP50', 'segm mAP'],
        [[r['method'], r['encoder'], r['detector'],
          'yes' if r['frozen'] else 'no', f'{r["train_s"]:.0f}',
          num(r, 'coco/bbox_mAP'), num(r, 'coco/bbox_mAP_50'),
          num(r, 'coco/segm_mAP')] for r in rows])


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--ckpt', nargs='+', metavar='METHOD=PATH',
                        help='pretraining (or backbone-only) checkpoints; '
                        'without it each method is pretrained here')
    parser.add_argument('--encoder', default='vit-tiny',
                        choices=list(ENCODERS))
    parser.add_argument('--detector', default='mask-rcnn',
                        choices=['mask-rcnn', 'retinanet'])
    parser.add_argument('--frozen', action='store_true',
                        help='freeze the encoder (neck and heads train)')
    parser.add_argument('--pretrain-iters', type=int,
                        help=f'default {FULL["pretrain_iters"]} of '
                        f'{FULL["pretrain_batch"]} images')
    parser.add_argument('--det-iters', type=int,
                        help=f'default {FULL["det_iters"]} of '
                        f'{FULL["det_batch"]} images')
    parser.add_argument('--data-root', default=osp.join(ROOT, 'data',
                                                        'demo_coco'))
    parser.add_argument('--out-dir', default=osp.join(
        ROOT, 'work_dirs/benchmarks/transfer_det'))
    parser.add_argument('--smoke', action='store_true',
                        help='a few iterations on a tiny set (tests)')
    args = parser.parse_args()
    if args.smoke and args.data_root == parser.get_default('data_root'):
        args.data_root = osp.join(args.out_dir, 'demo_coco')
    return args


def main():
    args = parse_args()
    sizes = dict(SMOKE if args.smoke else FULL)
    for key in ('pretrain_iters', 'det_iters'):
        sizes[key] = getattr(args, key) or sizes[key]
    config_name, neck = ENCODERS[args.encoder]
    methods = PRETRAIN_METHODS[config_name]
    cfg = DETECTOR.format(detector=args.detector, encoder=config_name,
                          neck=neck, mode='frozen' if args.frozen else 'ft')
    start = time.perf_counter()
    made = make_demo_set(args.data_root, sizes['num_train'],
                         sizes['num_val'])
    log(f'demo set {made["out_dir"]}: {made["summary"]["train"]["images"]} '
        f'train / {made["summary"]["val"]["images"]} val images')

    ckpts = parse_ckpts(args.ckpt)
    progress = Progress((0 if ckpts else len(methods)) + 1 +
                        len(ckpts or methods))
    if not ckpts:
        log(f'pretraining {", ".join(methods)} on {args.encoder}')
        for m in methods:
            ckpts[m] = pretrain(m, args.encoder, sizes['pretrain_iters'],
                                sizes['pretrain_batch'], args.out_dir)
            progress.step(f'pretrained {m}')
    rows = []
    for method, ckpt in [(CONTROL, None)] + list(ckpts.items()):
        log(f'detector {osp.basename(cfg)} from {method}')
        res = train_detector(cfg, method, ckpt, args, sizes)
        progress.step(f'detector from {method}')
        rows.append(dict(method=method, encoder=args.encoder,
                         detector=args.detector, frozen=args.frozen,
                         checkpoint=ckpt, **res))
    total = time.perf_counter() - start

    import torch
    print(f'\n{args.detector}, {args.encoder}, '
          f'{"frozen" if args.frozen else "fine-tuned"}, '
          f'{sizes["det_iters"]} iterations of {sizes["det_batch"]} images; '
          f'COCO mAP (%) on {made["summary"]["val"]["images"]} val images; '
          f'{torch.get_num_threads()} threads; total {total / 60:.1f} min\n')
    print(table(rows))
    os.makedirs(args.out_dir, exist_ok=True)
    out = osp.join(args.out_dir, 'transfer_det.json')
    with open(out, 'w') as f:
        json.dump(dict(config=cfg, sizes=sizes, total_s=total,
                       torch=torch.__version__,
                       cpu=platform.processor() or platform.machine(),
                       threads=torch.get_num_threads(), rows=rows), f,
                  indent=2)
    print(f'\nwritten {out}')


if __name__ == '__main__':
    main()
