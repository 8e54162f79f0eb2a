"""Benchmark: ablations of the Fashion-MNIST FINOLA autoencoder, with the
plain autoencoder beside them, at one budget and several seeds.

Every variant is a config plus ``--cfg-options``-style overrides. The model,
data preprocessor and optimiser (param-wise settings included) are built
from the config by the registries; the config's warm-up + cosine schedule is
applied per iteration. Only the loop is lean: the 60,000 training images go
through the config's test pipeline once and are cached as one uint8 tensor,
and batches are drawn from it with the random flip of the training
pipeline. So a run costs the model's time, not the data loader's.

    python tools/benchmarks/ae_ablation.py                       # the table
    python tools/benchmarks/ae_ablation.py --variants base plain --seeds 0 1 2
    python tools/benchmarks/ae_ablation.py --add 'lr3e-3=optim_wrapper.optimizer.lr=3e-3'

Prints a markdown table (mean ± std over seeds) and writes JSON; finished
runs are cached in the work dir, so a rerun continues.
"""
import argparse
import math
import os.path as osp
import sys
import time

import torch
from mmengine.config import Config, DictAction
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

from finola_mm.analysis import axis_residuals
from finola_mm.evaluation import psnr_per_image
# the repository root, so that `tools.` imports when run as a script
sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
from finola_mm.utils import build_model  # noqa: E402
from tools.benchmarks.engine import (  # noqa: E402
    REPO as ROOT, Progress, fmt, log, mean_std, stage, table,
    test_pipeline_images, write_report)

CFG_DIR = osp.join(ROOT, 'configs/finola_autoencoder')
FINOLA = osp.join(CFG_DIR, 'finola-ae_conv-tiny_c512_1xb64-2k_fmnist-32px.py')
PLAIN = osp.join(CFG_DIR, 'plain-ae_conv-tiny_k512_1xb64-1k_fmnist-32px.py')
RESNET = osp.join(CFG_DIR,
                  'finola-ae_resnet-cifar-tiny_c512_1xb64-1k_fmnist-32px.py')
FIN = 'model.neck.finola_cfg.'
DEC = 'model.neck.decoder_cfg.'
# name: (config, overrides); C = k = --channels unless a variant sets it.
# 'base' is the chosen default; each other row changes one thing from it.
VARIANTS = {
    'plain': (PLAIN, {}),
    'plain+latent-conv': (PLAIN, {DEC + 'num_latent_convs': 1}),
    'base': (FINOLA, {}),
    'mirror': (FINOLA, {FIN + 'negative_steps': 'mirror'}),
    'no-latent-conv': (FINOLA, {DEC + 'num_latent_convs': 0}),
    'init1': (FINOLA, {FIN + 'init_std': 1.0}),
    'init0.1': (FINOLA, {FIN + 'init_std': 0.1}),
    'no-seed-norm': (FINOLA, {FIN + 'seed_norm': False}),
    'attention-pool': (FINOLA, {'model.neck.pool': 'attention'}),
    'latent8': (FINOLA, {'model.neck.latent_size': 8,
                         'model.neck.decoder_channels': (128, 64, 32)}),
    'before': (FINOLA, {FIN + 'negative_steps': 'mirror',
                        DEC + 'num_latent_convs': 0, FIN + 'init_std': 0.1,
                        FIN + 'seed_norm': False}),
    'old-main-job': (RESNET, {}),
    'wave-consistency': (FINOLA, {'model.neck.consistency_weight': 1.0}),
}
DEFAULT = ['plain', 'plain+latent-conv', 'base', 'mirror', 'no-latent-conv',
           'init1', 'init0.1', 'no-seed-norm', 'attention-pool', 'latent8',
           'before']


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--variants', nargs='+', default=DEFAULT,
                   choices=sorted(VARIANTS))
    p.add_argument('--add', nargs='*', default=[], metavar='NAME=K=V,K=V',
                   help='extra FINOLA variants: name=key=value,key=value')
    p.add_argument('--channels', type=int, default=128,
                   help='C (FINOLA) and k (plain) unless a variant sets it')
    p.add_argument('--seeds', type=int, nargs='+', default=[0])
    p.add_argument('--iters', type=int, default=1000)
    p.add_argument('--batch', type=int, default=64)
    p.add_argument('--test-images', type=int, default=2000)
    p.add_argument('--work-dir', default='work_dirs/benchmarks/ae_ablation')
    return p.parse_args()


def parse_add(text):
    name, _, opts = text.partition('=')
    action = DictAction(option_strings=[], dest='x')
    return name, (FINOLA, {k: action._parse_iterable(v) for k, v in
                           (kv.split('=', 1) for kv in opts.split(','))})


def lr_factor(it, cfg):
    """The config's schedule: LinearLR warm-up, then cosine to eta_min."""
    warm, cos = cfg.param_scheduler
    if it < warm.end:
        s = warm.start_factor
        return s + (1 - s) * it / warm.end, None
    t = (it - cos.begin) / (cos.end - cos.begin)
    return 0.5 * (1 + math.cos(math.pi * min(t, 1.))), cos.eta_min


def train_and_score(cfg, images, args, seed, log):
    torch.manual_seed(seed)
    model = build_model(cfg)
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    base_lrs = [g['lr'] for g in optim.param_groups]
    train, test = images
    gen = torch.Generator().manual_seed(seed)
    t0 = time.perf_counter()
    for it in range(args.iters):
        factor, eta_min = lr_factor(it, cfg)
        for g, lr in zip(optim.param_groups, base_lrs):
            g['lr'] = lr * factor if eta_min is None else \
                eta_min + (lr - eta_min) * factor
        idx = torch.randint(len(train), (args.batch, ), generator=gen)
        x = train[idx]
        flip = torch.rand(args.batch, generator=gen) < 0.5
        x = torch.where(flip[:, None, None, None], x.flip(-1), x)
        data = model.data_preprocessor(dict(inputs=x, data_samples=None),
                                       True)
        losses = model(**data, mode='loss')
        optim.update_params(sum(losses.values()))
        if (it + 1) % max(1, args.iters // 5) == 0:
            el = time.perf_counter() - t0
            extra = ''.join(f', {k} {v.item():.4f}'
                            for k, v in losses.items() if k != 'loss')
            log(f'  iter {it + 1}/{args.iters} loss '
                f'{losses["loss"].item():.4f}{extra}; {el:.0f}s, ETA '
                f'{el / (it + 1) * (args.iters - it - 1):.0f}s')
    train_s = time.perf_counter() - t0
    model.eval()
    scores = []
    with torch.no_grad():
        for i in range(0, args.test_images, 500):
            x = test[i:min(i + 500, args.test_images)]
            data = model.data_preprocessor(dict(inputs=x, data_samples=None))
            out = model(**data, mode='predict')
            scores.append(psnr_per_image(
                torch.stack([s.pred_img for s in out]),
                torch.stack([s.gt_img for s in out])))
        off_axis = None
        if hasattr(model.neck, 'finola') and \
                min(model.neck.latent_size) > 1:      # off-axis wave residual
            data = model.data_preprocessor(dict(inputs=test[:256],
                                                data_samples=None))
            fin = model.neck.finola
            z = model.neck.grow_paths(model.backbone(data['inputs']))
            res_x, res_y = axis_residuals(z.flatten(0, 1), fin.A, fin.B,
                                          fin.A_neg, fin.B_neg, fin.eps)
            off_axis = float((res_y if fin.axis_order == 'yx'
                              else res_x).mean())
    return dict(psnr=float(torch.cat(scores).mean()), train_s=train_s,
                s_per_iter=train_s / args.iters, off_axis=off_axis)


def main():
    args = parse_args()
    variants = {v: VARIANTS[v] for v in args.variants}
    variants.update(parse_add(a) for a in args.add)
    init_default_scope('mmpretrain')
    images = test_pipeline_images(
        Config.fromfile(FINOLA),
        cache=osp.join(args.work_dir, 'fmnist_test_pipeline.pt'))
    results, t_start = {}, time.perf_counter()
    jobs = [(n, s) for n in variants for s in args.seeds]
    progress = Progress(len(jobs))
    for name, seed in jobs:
        path, options = variants[name]
        size_key = ('model.neck.bottleneck' if path == PLAIN
                    else 'model.neck.channels')
        options = {size_key: args.channels, **options}
        cfg = Config.fromfile(path)
        cfg.merge_from_dict(options)
        cfg.param_scheduler[1].end = args.iters
        cfg.param_scheduler[0].end = max(1, args.iters // 20)
        cfg.param_scheduler[1].begin = cfg.param_scheduler[0].end
        res, cached = stage(
            osp.join(args.work_dir, f'{name}_c{args.channels}_it'
                     f'{args.iters}_b{args.batch}_t{args.test_images}'
                     f'_s{seed}.json'),
            lambda: dict(name=name, seed=seed,
                         config=osp.relpath(path, ROOT),
                         options={k: str(v) for k, v in options.items()},
                         **train_and_score(cfg, images, args, seed, log)))
        results.setdefault(name, []).append(res)
        progress.step(f'{name} seed {seed}: PSNR {res["psnr"]:.2f} dB '
                      f'({res["s_per_iter"]:.3f} s/iter)', cached)
    ref = mean_std([r['psnr'] for r in results.get('plain', [])])[0]
    rows, body = [], []
    for name, runs in results.items():
        psnr = mean_std([r['psnr'] for r in runs])
        off = mean_std([r.get('off_axis') for r in runs])[0]
        row = dict(name=name, options=runs[0]['options'], psnr_mean=psnr[0],
                   psnr_std=psnr[1] or 0., psnr=[r['psnr'] for r in runs],
                   s_per_iter=mean_std([r['s_per_iter'] for r in runs])[0],
                   off_axis=off)
        rows.append(row)
        body.append([
            name, ', '.join(f'{k.replace("model.neck.", "")}={v}'
                            for k, v in row['options'].items()),
            fmt(psnr), '-' if ref is None else f'{psnr[0] - ref:+.2f}',
            '-' if off is None else f'{off:.3f}',
            f'{row["s_per_iter"]:.3f}'])
    write_report(
        osp.join(args.work_dir, f'ae_ablation_c{args.channels}'),
        dict(main=table(
            f'ae_ablation: C = k = {args.channels}',
            ['variant', 'overrides', 'PSNR', '- plain AE',
             'off-axis residual', 's/iter'], body,
            f'{args.iters} iters x batch {args.batch}, PSNR (dB) on the '
            f'first {args.test_images} test images, seeds {args.seeds}')),
        dict(rows=rows, args=vars(args)), t_start)


if __name__ == '__main__':
    main()
