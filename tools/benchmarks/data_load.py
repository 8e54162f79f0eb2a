"""Benchmark: data loading + training step at growing batch and workers,
and memory over epochs at a fixed batch.

Uses a real config (default: element-wise Masked FINOLA, tiny ViT, embedded
Fashion-MNIST): its dataset, pipeline (masks included), model and optimiser,
through MMEngine's ``Runner.build_dataloader`` and ``model.train_step``.
Memory is the resident set of this process plus its dataloader workers,
read from /proc (Linux).

    python tools/benchmarks/data_load.py
    python tools/benchmarks/data_load.py --batches 32 64 128 256 --workers 0 2 4

Prints tables and writes JSON (work_dirs/benchmarks/data_load.json).
"""
import argparse
import json
import os
import os.path as osp
import time

import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

import finola_mm  # noqa: F401
from finola_mm.utils import build_model

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(ROOT, 'configs/masked_pretrain/'
                  'masked-finola-e_vit-tiny-p4_1xb64-1k_fmnist-32px.py')


def rss_mib(pid=None) -> float:
    """Resident memory of a process and its children (MiB)."""
    pid = pid or os.getpid()
    total = 0
    pids = [pid]
    try:
        with open(f'/proc/{pid}/task/{pid}/children') as f:
            pids += [int(p) for p in f.read().split()]
    except OSError:
        pass
    for p in pids:
        try:
            with open(f'/proc/{p}/status') as f:
                for line in f:
                    if line.startswith('VmRSS:'):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def build(cfg_path, data_root):
    init_default_scope('mmpretrain')
    cfg = Config.fromfile(cfg_path)
    torch.manual_seed(0)
    model = build_model(cfg)
    model.init_weights()
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    loader_cfg = cfg.train_dataloader
    loader_cfg.dataset.data_root = data_root
    return model, optim, loader_cfg


def loader(loader_cfg, batch, workers, images=None, infinite=True):
    cfg = loader_cfg.copy()
    cfg.update(batch_size=batch, num_workers=workers,
               persistent_workers=workers > 0)
    cfg.dataset = dict(cfg.dataset, indices=images)
    cfg.sampler = dict(type='InfiniteSampler' if infinite else
                       'DefaultSampler', shuffle=True)
    return Runner.build_dataloader(cfg, seed=0)


def throughput(model, optim, loader_cfg, batch, workers, iters, warmup):
    data = iter(loader(loader_cfg, batch, workers))
    peak = 0.
    for _ in range(warmup):
        model.train_step(next(data), optim)
    start = time.perf_counter()
    for _ in range(iters):
        model.train_step(next(data), optim)
        peak = max(peak, rss_mib())
    elapsed = time.perf_counter() - start
    del data
    return dict(batch=batch, workers=workers,
                images_per_s=batch * iters / elapsed, peak_rss_mib=peak)


def epochs(model, optim, loader_cfg, batch, workers, images, num_epochs):
    data = loader(loader_cfg, batch, workers, images, infinite=False)
    after = []
    for epoch in range(num_epochs):
        data.sampler.set_epoch(epoch)
        for batch_data in data:
            model.train_step(batch_data, optim)
        after.append(rss_mib())
    return after


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config', default=CONFIG)
    parser.add_argument('--data-root',
                        default=osp.join(ROOT, 'data', 'fashion_mnist'))
    parser.add_argument('--batches', type=int, nargs='+',
                        default=[16, 32, 64, 128])
    parser.add_argument('--workers', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--iters', type=int, default=10)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--epoch-batch', type=int, default=64)
    parser.add_argument('--epoch-images', type=int, default=2048)
    parser.add_argument('--epoch-workers', type=int, default=2)
    parser.add_argument('--out', default=osp.join(
        ROOT, 'work_dirs/benchmarks/data_load.json'))
    args = parser.parse_args()
    torch.set_num_threads(max(1, torch.get_num_threads()))
    model, optim, loader_cfg = build(args.config, args.data_root)

    rows = []
    for workers in args.workers:
        for batch in args.batches:
            rows.append(throughput(model, optim, loader_cfg, batch, workers,
                                   args.iters, args.warmup))
            print(rows[-1], flush=True)
    print(f'\n{osp.basename(args.config)}, {torch.get_num_threads()} '
          f'threads, {os.cpu_count()} CPUs\n')
    print('| workers | batch | images/s | peak RSS incl. workers (MiB) |')
    print('|---|---|---|---|')
    for r in rows:
        print(f'| {r["workers"]} | {r["batch"]} | {r["images_per_s"]:.1f} |'
              f' {r["peak_rss_mib"]:.0f} |')
    saturation = {}
    for workers in args.workers:
        own = [r for r in rows if r['workers'] == workers]
        best = max(r['images_per_s'] for r in own)
        # smallest batch within 5% of the best: where throughput saturates
        saturation[workers] = min(r['batch'] for r in own
                                  if r['images_per_s'] >= 0.95 * best)
    print('\nsaturates (within 5% of its best) at batch: ' + ', '.join(
        f'{w} workers -> {b}' for w, b in saturation.items()))

    rss = epochs(model, optim, loader_cfg, args.epoch_batch,
                 args.epoch_workers, args.epoch_images, 3)
    growth = (rss[-1] - rss[0]) / rss[0]
    print(f'\nRSS after each of 3 epochs ({args.epoch_images} images, batch '
          f'{args.epoch_batch}, {args.epoch_workers} workers): '
          + ', '.join(f'{m:.0f}' for m in rss)
          + f' MiB; growth epoch 1 -> 3: {growth:+.1%}')
    os.makedirs(osp.dirname(args.out), exist_ok=True)
    with open(args.out, 'w') as f:
        json.dump(dict(config=args.config, threads=torch.get_num_threads(),
                       rows=rows, saturation_batch=saturation,
                       epoch_rss_mib=rss, epoch_growth=growth), f, indent=2)
    print(f'written {args.out}')


if __name__ == '__main__':
    main()
