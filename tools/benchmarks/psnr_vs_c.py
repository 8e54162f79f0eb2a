"""Benchmark: test PSNR of the FINOLA autoencoder against the number of wave
equations C, beside two anchors at every C, plus the full-resolution design
and multi-path FINOLA. Prints markdown tables and writes JSON.

Anchors (docs/method.md section 4):
- PCA with k = C components, closed form on the training split: the best
  *linear* autoencoder with a C-dim code;
- the plain convolutional autoencoder with a C-dim bottleneck (same encoder
  and decoder as FINOLA, a free Linear layer in place of growth), trained
  with the same budget.

Every trained run gets the same iterations, batch, schedule and seed, and
is scored on the same test images.

    python tools/benchmarks/psnr_vs_c.py                  # the default sweep
    python tools/benchmarks/psnr_vs_c.py --channels 32 128 --fullres 32 \
        --paths --iters 300 --test-images 1000            # quick look
    python tools/benchmarks/psnr_vs_c.py --cfg-options \
        model.neck.finola_cfg.init_std=0.1                # an ablation

Each run is ``Runner.train`` + ``Runner.test`` on the config with its budget;
a finished run (its result.json) is skipped, so rerunning continues.
"""
import argparse
import json
import os
import os.path as osp
import sys
import textwrap
import time

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

from finola_mm.evaluation import pca_psnr
# the repository root, so that `tools.` imports when run as a script
sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
from tools.benchmarks.engine import (REPO as ROOT, shorten_schedule,
                                       test_pipeline_images)

CFG_DIR = osp.join(ROOT, 'configs/finola_autoencoder')
FINOLA_CFG = osp.join(CFG_DIR, 'finola-ae_conv-tiny_c512_1xb64-2k_fmnist-32px.py')
PLAIN_CFG = osp.join(CFG_DIR, 'plain-ae_conv-tiny_k512_1xb64-1k_fmnist-32px.py')
FULLRES_CFG = osp.join(
    CFG_DIR, 'finola-ae-fullres_conv-tiny_c128_1xb64-1k_fmnist-32px.py')


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--iters', type=int, default=2000,
                   help='training iterations per run (equal budget)')
    p.add_argument('--batch', type=int, default=64)
    p.add_argument('--test-images', type=int, default=10000,
                   help='first N Fashion-MNIST test images scored')
    p.add_argument('--channels', type=int, nargs='+',
                   default=[32, 64, 128, 256, 512], help='C (= k)')
    p.add_argument('--fullres', type=int, nargs='*', default=[32, 64, 128],
                   help='C of the full-resolution series (32x32 latent, '
                   'three 3x3 convs); none to skip')
    p.add_argument('--paths', type=int, nargs='*', default=[1, 4],
                   help='M at fixed M*C = --paths-total; none to skip')
    p.add_argument('--paths-total', type=int, default=256)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--cfg-options', nargs='+', action=DictAction,
                   help='applied to every FINOLA run (ablations)')
    p.add_argument('--work-dir', default='work_dirs/benchmarks/psnr_vs_c')
    p.add_argument('--out', default=None,
                   help='JSON path; default WORK_DIR/psnr_vs_c.json')
    return p.parse_args()


def budget_cfg(path, args, work_dir, options):
    cfg = Config.fromfile(path)
    cfg.merge_from_dict(options)
    shorten_schedule(cfg, args.iters)   # the configs' warm-up: 1/20
    cfg.train_dataloader.batch_size = args.batch
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.test_dataloader.dataset.indices = args.test_images
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook',
                                        interval=args.iters, by_epoch=False)
    cfg.default_hooks.logger.interval = max(50, args.iters // 10)
    cfg.randomness = dict(seed=args.seed)
    cfg.work_dir = work_dir
    return cfg


def trained_psnr(name, path, args, options):
    """Train + test one config (cached in its work dir's result.json)."""
    work_dir = osp.join(args.work_dir, name)
    result_file = osp.join(work_dir, 'result.json')
    if osp.isfile(result_file):
        with open(result_file) as f:
            cached = json.load(f)
        budget = dict(options=options, iters=args.iters, batch=args.batch,
                      seed=args.seed, test_images=args.test_images)
        if all(cached.get(k) == v for k, v in budget.items()):
            return cached
        print(f'{result_file} is of another budget: training {name} again')
    cfg = budget_cfg(path, args, work_dir, options)
    t0 = time.perf_counter()
    runner = Runner.from_cfg(cfg)
    runner.train()
    train_s = time.perf_counter() - t0
    psnr = runner.test()['recon/psnr']
    result = dict(name=name, config=osp.relpath(path, ROOT), options=options,
                  psnr=psnr, train_s=train_s, iters=args.iters,
                  batch=args.batch, seed=args.seed,
                  test_images=args.test_images)
    with open(result_file, 'w') as f:
        json.dump(result, f, indent=1)
    return result


def trend(series):
    """PSNRs in increasing C -> (strictly rising, last - first), or
    (None, None) when fewer than two values make no trend."""
    if len(series) < 2:
        return None, None
    rising = all(b > a for a, b in zip(series, series[1:]))
    return rising, series[-1] - series[0]


def plot(rows, fullres, path, title):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4.5))
    cs = [r['C'] for r in rows]
    for key, label, style in (('finola', 'FINOLA (4x4 latent)', 'o-'),
                              ('plain', 'plain conv AE (k = C)', 's--'),
                              ('pca', 'PCA (k = C)', '^:')):
        ax.plot(cs, [r[key] for r in rows], style, label=label)
    if fullres:
        ax.plot([r['C'] for r in fullres], [r['finola'] for r in fullres],
                'D-', label='FINOLA full-res (32x32 latent)')
    ax.set_xscale('log', base=2)
    ax.set_xticks(sorted({*cs, *(r['C'] for r in fullres)}))
    ax.get_xaxis().set_major_formatter(matplotlib.ticker.ScalarFormatter())
    ax.set_xlabel('C (wave equations) = k (code size)')
    ax.set_ylabel('test PSNR (dB)')
    ax.set_title('\n'.join(textwrap.wrap(title, 70)), fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main():
    args = parse_args()
    fin_opts = dict(args.cfg_options or {})
    jobs = []                         # (key, name, config, options)
    for C in args.channels:
        jobs.append((('finola', C), f'finola_c{C}', FINOLA_CFG,
                     {'model.neck.channels': C, **fin_opts}))
        jobs.append((('plain', C), f'plain_k{C}', PLAIN_CFG,
                     {'model.neck.bottleneck': C}))
    for C in args.fullres:
        jobs.append((('fullres', C), f'fullres_c{C}', FULLRES_CFG,
                     {'model.neck.channels': C, **fin_opts}))
    for M in args.paths:
        C = args.paths_total // M
        if M == 1 and C in args.channels:
            continue                  # the C series already has it
        jobs.append((('paths', M), f'finola_m{M}c{C}', FINOLA_CFG,
                     {'model.neck.channels': C, 'model.neck.num_paths': M,
                      **fin_opts}))
    t_start, results = time.perf_counter(), {}
    for i, (key, name, path, options) in enumerate(jobs):
        results[key] = trained_psnr(name, path, args, options)
        done = time.perf_counter() - t_start
        print(f'[psnr_vs_c] {i + 1}/{len(jobs)} {name}: PSNR '
              f'{results[key]["psnr"]:.2f} dB; elapsed {done / 60:.1f} min, '
              f'ETA {done / (i + 1) * (len(jobs) - i - 1) / 60:.1f} min',
              flush=True)
    # (N, 1024) grey 0-255 (the three channels are copies), for PCA
    train, test = (x[:, 0].flatten(1).double() for x in test_pipeline_images(
        Config.fromfile(FINOLA_CFG), args.test_images))
    pca = {C: pca_psnr(train, test, C)
           for C in sorted({*args.channels, *args.fullres})}

    rows = []
    for C in args.channels:
        fin, plain = results[('finola', C)], results[('plain', C)]
        rows.append(dict(C=C, finola=fin['psnr'], plain=plain['psnr'],
                         pca=pca[C], finola_minus_plain=fin['psnr'] -
                         plain['psnr'], finola_minus_pca=fin['psnr'] - pca[C],
                         finola_train_s=fin['train_s'],
                         plain_train_s=plain['train_s']))
    fullres = [dict(C=C, finola=results[('fullres', C)]['psnr'], pca=pca[C],
                    train_s=results[('fullres', C)]['train_s'])
               for C in args.fullres]
    paths = []
    for M in args.paths:
        C = args.paths_total // M
        r = results.get(('paths', M)) or results[('finola', C)]
        paths.append(dict(M=M, C=C, psnr=r['psnr'], train_s=r['train_s']))

    rising, gain = trend([r['finola'] for r in rows])
    fr_rising, fr_gain = trend([r['finola'] for r in fullres])
    lines = [f'Fashion-MNIST 32 px, {args.iters} iters x batch {args.batch}, '
             f'seed {args.seed}; PSNR (dB) on the first {args.test_images} '
             f'test images', '',
             '| C (= k) | FINOLA | plain AE | PCA | FINOLA - plain | '
             'FINOLA - PCA | FINOLA train s | plain train s |',
             '|---|---|---|---|---|---|---|---|']
    lines += [f'| {r["C"]} | {r["finola"]:.2f} | {r["plain"]:.2f} | '
              f'{r["pca"]:.2f} | {r["finola_minus_plain"]:+.2f} | '
              f'{r["finola_minus_pca"]:+.2f} | {r["finola_train_s"]:.0f} | '
              f'{r["plain_train_s"]:.0f} |' for r in rows]
    if rising is None:
        lines.append('\nTrend in C: needs at least two values of C.')
    else:
        lines.append(
            f'\nFINOLA rises strictly with C: {"yes" if rising else "NO"}; '
            f'C={rows[0]["C"]} -> {rows[-1]["C"]}: {gain:+.2f} dB. Within '
            f'0.5 dB of the plain AE at every C: '
            f'{"yes" if all(r["finola_minus_plain"] >= -0.5 for r in rows) else "NO"}'
            f'. At or above PCA: C = '
            f'{", ".join(str(r["C"]) for r in rows if r["finola_minus_pca"] >= 0) or "none"}.')
    if fullres:
        lines += ['', 'Full-resolution design (32x32 latent grown from one '
                  'q, three 3x3 convs):', '',
                  '| C | FINOLA full-res | PCA | train s |', '|---|---|---|---|']
        lines += [f'| {r["C"]} | {r["finola"]:.2f} | {r["pca"]:.2f} | '
                  f'{r["train_s"]:.0f} |' for r in fullres]
        if fr_rising is not None:
            lines.append(f'\nFull-res rises strictly with C: '
                         f'{"yes" if fr_rising else "NO"} ({fr_gain:+.2f} dB '
                         f'from C={fullres[0]["C"]} to {fullres[-1]["C"]}).')
    if paths:
        lines += ['', f'Multi-path at M x C = {args.paths_total}:', '',
                  '| M x C | PSNR | train s |', '|---|---|---|']
        lines += [f'| {r["M"]} x {r["C"]} | {r["psnr"]:.2f} | '
                  f'{r["train_s"]:.0f} |' for r in paths]
    total = time.perf_counter() - t_start
    lines.append(f'\nTotal {total / 60:.1f} min (cached runs count 0).')
    print('\n'.join(lines))
    out = args.out or osp.join(args.work_dir, 'psnr_vs_c.json')
    os.makedirs(osp.dirname(out) or '.', exist_ok=True)
    with open(out, 'w') as f:
        json.dump(dict(by_channels=rows, fullres=fullres, by_paths=paths,
                       rising=rising, gain_db=gain, fullres_rising=fr_rising,
                       fullres_gain_db=fr_gain, total_s=total,
                       args=vars(args)), f, indent=1)
    png = osp.splitext(out)[0] + '.png'
    plot(rows, fullres, png, lines[0])
    print(f'JSON: {out}\nplot: {png}')


if __name__ == '__main__':
    main()
