"""Benchmark: test PSNR of the Fashion-MNIST FINOLA autoencoder against the
number of wave equations C, and against the number of paths M at a fixed
latent size M*C = 1024. Every run gets the same budget (iterations, batch,
schedule, seed). Prints a markdown table and writes JSON.

    python tools/benchmarks/psnr_vs_c.py                  # defaults below
    python tools/benchmarks/psnr_vs_c.py --iters 200 --test-images 500  # quick
"""
import argparse
import json
import os
import os.path as osp
import time

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

import finola_mm  # noqa: F401

CFG_DIR = 'configs/finola_autoencoder'
C_SERIES = {C: f'finola-ae_resnet-cifar-tiny_c{C}_1xb64-1k_fmnist-32px.py'
            for C in (128, 256, 512, 1024, 2048)}
# M=1 at M*C=1024 is the C=1024 run itself.
M_SERIES = {1: C_SERIES[1024],
            4: 'finola-ae_resnet-cifar-tiny_m4c256_1xb64-1k_fmnist-32px.py',
            16: 'finola-ae_resnet-cifar-tiny_m16c64_1xb64-1k_fmnist-32px.py'}


def parse_args():
    p = argparse.ArgumentParser(description='PSNR vs C and M')
    p.add_argument('--iters', type=int, default=800,
                   help='training iterations per run (equal budget)')
    p.add_argument('--batch', type=int, default=32)
    p.add_argument('--test-images', type=int, default=2000,
                   help='first N Fashion-MNIST test images scored')
    p.add_argument('--channels', type=int, nargs='+',
                   default=sorted(C_SERIES))
    p.add_argument('--paths', type=int, nargs='*', default=sorted(M_SERIES))
    p.add_argument('--cfg-options', nargs='+', action=DictAction,
                   help='applied to every run, e.g. for ablations: '
                   'model.neck.finola_cfg.init_std=0.5')
    p.add_argument('--work-dir', default='work_dirs/benchmarks/psnr_vs_c')
    p.add_argument('--out', default='work_dirs/benchmarks/psnr_vs_c.json')
    return p.parse_args()


def budget_cfg(path, args, work_dir):
    cfg = Config.fromfile(path)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    warmup = max(1, args.iters // 20)
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=args.iters,
                         val_interval=args.iters + 1)
    cfg.param_scheduler = [
        dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0,
             end=warmup),
        dict(type='CosineAnnealingLR', by_epoch=False, begin=warmup,
             end=args.iters, eta_min=1e-5)]
    cfg.train_dataloader.batch_size = args.batch
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.test_dataloader.dataset.indices = args.test_images
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook',
                                        interval=args.iters, by_epoch=False)
    cfg.default_hooks.logger.interval = max(50, args.iters // 10)
    cfg.work_dir = work_dir
    return cfg


def run(name, path, args):
    cfg = budget_cfg(osp.join(CFG_DIR, path), args,
                     osp.join(args.work_dir, name))
    t0 = time.perf_counter()
    runner = Runner.from_cfg(cfg)
    runner.train()
    train_s = time.perf_counter() - t0
    metrics = runner.test()
    neck = cfg.model.neck
    return dict(name=name, config=path, channels=neck.channels,
                paths=neck.get('num_paths', 1), iters=args.iters,
                batch=args.batch, psnr=metrics['recon/psnr'],
                train_s=train_s, test_images=args.test_images)


def main():
    args = parse_args()
    jobs = {f'C={C}': C_SERIES[C] for C in args.channels}
    jobs.update({f'M={M}': M_SERIES[M] for M in args.paths
                 if M_SERIES[M] not in jobs.values()})
    results, t_start = {}, time.perf_counter()
    for i, (name, path) in enumerate(jobs.items()):
        results[path] = run(name, path, args)
        done = time.perf_counter() - t_start
        print(f'[psnr_vs_c] {i + 1}/{len(jobs)} {name}: '
              f'PSNR {results[path]["psnr"]:.2f} dB; elapsed {done / 60:.1f}'
              f' min, ETA {done / (i + 1) * (len(jobs) - i - 1) / 60:.1f} min',
              flush=True)
    by_c = [results[C_SERIES[C]] for C in args.channels]
    by_m = [results[M_SERIES[M]] for M in args.paths]
    lines = [f'Fashion-MNIST 32 px, {args.iters} iters x batch {args.batch}, '
             f'PSNR on the first {args.test_images} test images', '',
             '| C (M=1) | test PSNR dB | train s |', '|---|---|---|']
    lines += [f'| {r["channels"]} | {r["psnr"]:.2f} | {r["train_s"]:.0f} |'
              for r in by_c]
    lines += ['', '| M x C (= 1024) | test PSNR dB | train s |',
              '|---|---|---|']
    lines += [f'| {r["paths"]} x {r["channels"]} | {r["psnr"]:.2f} | '
              f'{r["train_s"]:.0f} |' for r in by_m]
    psnrs = [r['psnr'] for r in by_c]
    monotonic = all(b > a for a, b in zip(psnrs, psnrs[1:]))
    lines += ['', f'PSNR rises monotonically with C: '
              f'{"yes" if monotonic else "NO"}; C={by_c[0]["channels"]} -> '
              f'C={by_c[-1]["channels"]}: {psnrs[-1] - psnrs[0]:+.2f} dB '
              f'(paper, ImageNet 256 px, C=128 -> 2048: +5.9 dB)']
    print('\n'.join(lines))
    os.makedirs(osp.dirname(args.out) or '.', exist_ok=True)
    with open(args.out, 'w') as f:
        json.dump(dict(by_channels=by_c, by_paths=by_m, monotonic=monotonic,
                       total_s=time.perf_counter() - t_start,
                       args=vars(args)), f, indent=1)
    print(f'JSON: {args.out}')


if __name__ == '__main__':
    main()
