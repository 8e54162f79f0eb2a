"""Benchmark: test PSNR of the FINOLA autoencoder against the number of wave
equations C, beside two anchors at every C, plus (Fashion-MNIST) the
full-resolution design and multi-path FINOLA, on Fashion-MNIST or CIFAR-10.

Anchors (docs/method.md section 4):
- PCA with k = C components, closed form on the config's training images:
  the best *linear* autoencoder with a C-dim code (CIFAR-10: on RGB, 3,072
  values; Fashion-MNIST: on the grey image, 1,024);
- the plain convolutional autoencoder with a C-dim bottleneck (same encoder
  and decoder as FINOLA, a free Linear layer in place of growth), trained
  with the same budget;
- CIFAR-10 only, for reference: PCA as FINOLA.md reports it (fit on all
  50,000 training images; ours is fit on the 45,000 of the `train` split).

Every trained run gets the same iterations, batch, schedule and seed, and
is scored on the same test images (the test split, once per configuration;
nothing here is chosen from it).

    python tools/benchmarks/psnr_vs_c.py                  # Fashion-MNIST sweep
    python tools/benchmarks/psnr_vs_c.py --dataset cifar10
    python tools/benchmarks/psnr_vs_c.py --channels 32 128 --fullres 32 \
        --paths --iters 300 --test-images 1000            # quick look
    python tools/benchmarks/psnr_vs_c.py --cfg-options \
        model.neck.finola_cfg.init_std=0.1                # an ablation

Each run is ``Runner.train`` + ``Runner.test`` on the config with its budget,
a stage keyed by that full config: a rerun reads finished runs back. Prints
markdown tables and writes them with JSON and a plot (engine.write_report).
"""
import argparse
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
from tools.benchmarks.engine import (  # noqa: E402
    REPO as ROOT, Progress, config_digest, config_stage, shorten_schedule,
    table, test_pipeline_images, write_report)

CFG_DIR = osp.join(ROOT, 'configs/finola_autoencoder')
DATASETS = {
    'fmnist': dict(
        title='Fashion-MNIST 32 px',
        finola='finola-ae_conv-tiny_c512_1xb64-2k_fmnist-32px.py',
        plain='plain-ae_conv-tiny_k512_1xb64-1k_fmnist-32px.py',
        fullres='finola-ae-fullres_conv-tiny_c128_1xb64-1k_fmnist-32px.py',
        grey=True, pca_anchor={}),
    'cifar10': dict(
        title='CIFAR-10 32 px (JPEG re-encodes of the shared archive)',
        finola='finola-ae_conv-tiny_c512_1xb64-2k_cifar10-32px.py',
        plain='plain-ae_conv-tiny_k512_1xb64-1k_cifar10-32px.py',
        fullres=None, grey=False,
        # ../shared/FINOLA.md: PCA fit on 50,000 training images, per-image
        # PSNR on the 10,000 test images (a cited anchor, not a result)
        pca_anchor={32: 19.83, 64: 21.63, 128: 23.99, 256: 27.29,
                    512: 32.67}),
}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--dataset', default='fmnist', choices=list(DATASETS))
    p.add_argument('--iters', type=int, default=2000,
                   help='training iterations per run (equal budget)')
    p.add_argument('--batch', type=int, default=64)
    p.add_argument('--test-images', type=int, default=10000,
                   help='N test images scored (round-robin over classes)')
    p.add_argument('--channels', type=int, nargs='+',
                   default=[32, 64, 128, 256, 512], help='C (= k)')
    p.add_argument('--fullres', type=int, nargs='*', default=None,
                   help='C of the full-resolution series (32x32 latent, '
                   'three 3x3 convs; Fashion-MNIST only, default 32 64 '
                   '128); none to skip')
    p.add_argument('--paths', type=int, nargs='*', default=None,
                   help='M at fixed M*C = --paths-total (Fashion-MNIST '
                   'default 1 4); none to skip')
    p.add_argument('--paths-total', type=int, default=256)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--cfg-options', nargs='+', action=DictAction,
                   help='applied to every FINOLA run (ablations)')
    p.add_argument('--work-dir', default=None,
                   help='default work_dirs/benchmarks/psnr_vs_c[_cifar10]')
    p.add_argument('--out', default=None,
                   help='JSON path; default WORK_DIR/psnr_vs_c.json')
    args = p.parse_args()
    fmnist = args.dataset == 'fmnist'
    if not fmnist and (args.fullres or args.paths):
        p.error('--fullres and --paths have configs for Fashion-MNIST '
                'only; drop them with --dataset cifar10')
    if args.fullres is None:
        args.fullres = [32, 64, 128] if fmnist else []
    if args.paths is None:
        args.paths = [1, 4] if fmnist else []
    if args.work_dir is None:
        args.work_dir = 'work_dirs/benchmarks/psnr_vs_c' + (
            '' if fmnist else f'_{args.dataset}')
    return args


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
    """Train + test one config, a stage keyed by its full config."""
    work_dir = osp.join(args.work_dir, name)
    cfg = budget_cfg(path, args, work_dir, options)

    def run():
        t0 = time.perf_counter()
        runner = Runner.from_cfg(cfg)
        runner.train()
        train_s = time.perf_counter() - t0
        return dict(name=name, config=osp.relpath(path, ROOT),
                    options=options, psnr=runner.test()['recon/psnr'],
                    train_s=train_s, iters=args.iters, batch=args.batch,
                    seed=args.seed, test_images=args.test_images)
    return config_stage(osp.join(work_dir, 'result.json'), run,
                        config_digest(cfg))


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
    data = DATASETS[args.dataset]
    finola_cfg, plain_cfg = (osp.join(CFG_DIR, data[k])
                             for k in ('finola', 'plain'))
    fin_opts = dict(args.cfg_options or {})
    jobs = []                         # (key, name, config, options)
    for C in args.channels:
        jobs.append((('finola', C), f'finola_c{C}', finola_cfg,
                     {'model.neck.channels': C, **fin_opts}))
        jobs.append((('plain', C), f'plain_k{C}', plain_cfg,
                     {'model.neck.bottleneck': C}))
    for C in args.fullres:
        jobs.append((('fullres', C), f'fullres_c{C}',
                     osp.join(CFG_DIR, data['fullres']),
                     {'model.neck.channels': C, **fin_opts}))
    for M in args.paths:
        C = args.paths_total // M
        if M == 1 and C in args.channels:
            continue                  # the C series already has it
        jobs.append((('paths', M), f'finola_m{M}c{C}', finola_cfg,
                     {'model.neck.channels': C, 'model.neck.num_paths': M,
                      **fin_opts}))
    t_start, results, progress = time.perf_counter(), {}, Progress(len(jobs))
    for key, name, path, options in jobs:
        results[key], cached = trained_psnr(name, path, args, options)
        progress.step(f'{name}: PSNR {results[key]["psnr"]:.2f} dB', cached)
    # (N, D) 0-255 for PCA: the grey image (Fashion-MNIST's three channels
    # are copies) or RGB
    train, test = (x[:, :1 if data['grey'] else 3].flatten(1).double()
                   for x in test_pipeline_images(
                       Config.fromfile(finola_cfg), args.test_images))
    pca = {C: pca_psnr(train, test, C)
           for C in sorted({*args.channels, *args.fullres})}

    rows = []
    for C in args.channels:
        fin, plain = results[('finola', C)], results[('plain', C)]
        rows.append(dict(C=C, finola=fin['psnr'], plain=plain['psnr'],
                         pca=pca[C], pca_anchor=data['pca_anchor'].get(C),
                         finola_minus_plain=fin['psnr'] - plain['psnr'],
                         finola_minus_pca=fin['psnr'] - pca[C],
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
    title = (f'{data["title"]}, {args.iters} iters x batch {args.batch}, '
             f'seed {args.seed}; PSNR (dB) on {len(test)} test images')
    if rising is None:
        verdict = 'Trend in C: needs at least two values of C.'
    else:
        within = all(r['finola_minus_plain'] >= -0.5 for r in rows)
        above = ', '.join(str(r['C']) for r in rows
                          if r['finola_minus_pca'] >= 0) or 'none'
        verdict = (f'FINOLA rises strictly with C: '
                   f'{"yes" if rising else "NO"}; C={rows[0]["C"]} -> '
                   f'{rows[-1]["C"]}: {gain:+.2f} dB. Within 0.5 dB of the '
                   f'plain AE at every C: {"yes" if within else "NO"}. At '
                   f'or above PCA: C = {above}.')
    anchor = bool(data['pca_anchor'])
    tables = dict(by_channels=table(
        f'psnr_vs_c: {data["title"]}',
        ['C (= k)', 'FINOLA', 'plain AE', 'PCA',
         *(['PCA, FINOLA.md (50k fit)'] if anchor else []),
         'FINOLA - plain', 'FINOLA - PCA', 'FINOLA train s',
         'plain train s'],
        [[r['C'], f'{r["finola"]:.2f}', f'{r["plain"]:.2f}',
          f'{r["pca"]:.2f}',
          *([f'{r["pca_anchor"]:.2f}' if r['pca_anchor'] else '-']
            if anchor else []),
          f'{r["finola_minus_plain"]:+.2f}', f'{r["finola_minus_pca"]:+.2f}',
          f'{r["finola_train_s"]:.0f}', f'{r["plain_train_s"]:.0f}']
         for r in rows], f'{title}. {verdict}'))
    if fullres:
        note = ('Full-resolution design (32x32 latent grown from one q, '
                'three 3x3 convs)')
        if fr_rising is not None:
            note += (f'; rises strictly with C: '
                     f'{"yes" if fr_rising else "NO"} ({fr_gain:+.2f} dB '
                     f'from C={fullres[0]["C"]} to {fullres[-1]["C"]})')
        tables['fullres'] = table(
            'psnr_vs_c: full resolution', ['C', 'FINOLA full-res', 'PCA',
                                           'train s'],
            [[r['C'], f'{r["finola"]:.2f}', f'{r["pca"]:.2f}',
              f'{r["train_s"]:.0f}'] for r in fullres], note + '.')
    if paths:
        tables['by_paths'] = table(
            f'psnr_vs_c: multi-path at M x C = {args.paths_total}',
            ['M x C', 'PSNR', 'train s'],
            [[f'{r["M"]} x {r["C"]}', f'{r["psnr"]:.2f}',
              f'{r["train_s"]:.0f}'] for r in paths])
    out = args.out or osp.join(args.work_dir, 'psnr_vs_c.json')
    write_report(osp.splitext(out)[0], tables, dict(
        dataset=args.dataset, by_channels=rows, fullres=fullres,
        by_paths=paths, rising=rising, gain_db=gain,
        fullres_rising=fr_rising, fullres_gain_db=fr_gain,
        args=vars(args)), t_start)
    png = osp.splitext(out)[0] + '.png'
    plot(rows, fullres, png, title)
    print(f'plot: {png}')


if __name__ == '__main__':
    main()
