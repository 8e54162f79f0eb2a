"""Benchmark: Masked FINOLA (element- and block-wise), MAE and SimMIM at an
equal pretraining budget, plus a random-init control, compared downstream.

Every method pretrains the same encoder with the same iterations, batch,
data and seed (its own config under configs/masked_pretrain/). Each encoder
is then read frozen, as the linear-probe config reads it (final-normed
tokens, average-pooled), and scored by
- linear probing: the probe config's head (BN without affine + linear, SGD,
  warm-up + cosine) trained on cached features (``--probe features``,
  default), or the probe config itself through tools/train.py
  (``--probe config``: augmented, one encoder pass per image per step);
- weighted kNN (k=20, T=0.07) on the same features;
- fine-tuning with layer-wise LR decay (``--finetune``; slow on CPUs).

    python tools/benchmarks/compare_ssl.py                # 32 min, 2 CPUs
    python tools/benchmarks/compare_ssl.py --seeds 3      # mean +- std
    python tools/benchmarks/compare_ssl.py --encoder mobile-former-tiny
    python tools/benchmarks/compare_ssl.py --variant mae-r60=mae:model.backbone.mask_ratio=0.6
    python tools/benchmarks/compare_ssl.py --ablate --pretrain-iters 200 \
        --train-images 3000 --test-images 2000     # the ablation table
    python tools/benchmarks/compare_ssl.py --smoke        # a few iterations

Each training stage is ``tools/train.py`` on a config written into the work
dir, in its own process; a finished stage (its result.json) is skipped and
an interrupted pretraining resumes, so rerunning the command continues.
Prints a markdown table and writes it with JSON and a bar chart (PNG).
"""
import argparse
import glob
import json
import os
import os.path as osp
import platform
import statistics
import subprocess
import sys
import time

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, ROOT)
ENCODERS = {
    'vit-tiny-p4': dict(
        pretrain='{}_vit-tiny-p4_1xb64-1k_fmnist-32px.py',
        methods=('masked-finola-e', 'masked-finola-b', 'mae', 'simmim'),
        probe='linear-probe_vit-tiny-p4_1xb256-500it_fmnist-32px.py',
        finetune='fine-tune_vit-tiny-p4_1xb128-2k_fmnist-32px.py'),
    'mobile-former-tiny': dict(  # MAE needs a token encoder
        pretrain='{}_mobile-former-tiny_1xb64-1k_fmnist-32px.py',
        methods=('masked-finola-e', 'masked-finola-b', 'simmim'),
        probe='linear-probe_mobile-former-tiny_1xb256-500it_fmnist-32px.py',
        finetune='fine-tune_mobile-former-tiny_1xb128-2k_fmnist-32px.py'),
}
RANDOM = 'random-init'
# --ablate: Masked FINOLA's own knobs (mask ratio, norm_pix, C and M; element-
# vs block-wise are the default rows), and the baselines' main knob (mask
# ratio, the same values) plus MAE's norm_pix. Pipeline index 3 is the patch
# mask generator of configs/_base_/datasets/fashion_mnist_32px_mim.py.
MASK_RATIO = 'train_dataloader.dataset.pipeline.3.mask_ratio'
ABLATIONS = (
    f'finola-e-r60=masked-finola-e:{MASK_RATIO}=0.6',
    f'finola-e-r90=masked-finola-e:{MASK_RATIO}=0.9',
    'finola-e-raw=masked-finola-e:model.head.norm_pix=False',
    'finola-e-c128=masked-finola-e:model.neck.channels=128',
    'finola-e-c512=masked-finola-e:model.neck.channels=512',
    'finola-e-m4c64=masked-finola-e:model.neck.channels=64,'
    'model.neck.num_paths=4',
    'mae-r60=mae:model.backbone.mask_ratio=0.6',
    'mae-r90=mae:model.backbone.mask_ratio=0.9',
    'mae-raw=mae:model.head.norm_pix=False',
    f'simmim-r60=simmim:{MASK_RATIO}=0.6',
    f'simmim-r90=simmim:{MASK_RATIO}=0.9',
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--encoder', default='vit-tiny-p4',
                        choices=sorted(ENCODERS))
    parser.add_argument('--methods', nargs='+', help='default: all the '
                        'encoder supports')
    parser.add_argument('--variant', action='append', default=[],
                        metavar='NAME=METHOD[:KEY=VAL,...]',
                        help='an extra pretraining run with config options, '
                        'e.g. mae-r60=mae:model.backbone.mask_ratio=0.6')
    parser.add_argument('--ablate', action='store_true',
                        help='add the ablation variants (ABLATIONS; '
                        'vit-tiny-p4 only) to the runs')
    parser.add_argument('--pretrain-iters', type=int, default=1000)
    parser.add_argument('--seeds', type=int, default=1)
    parser.add_argument('--probe', choices=('features', 'config'),
                        default='features')
    parser.add_argument('--probe-epochs', type=int, default=30,
                        help='epochs over the cached features')
    parser.add_argument('--probe-iters', type=int, default=500,
                        help='iterations of --probe config')
    parser.add_argument('--train-images', type=int, default=10000,
                        help='first N training images for the kNN bank and '
                        'the feature probe (0 = all 60,000)')
    parser.add_argument('--test-images', type=int, default=0,
                        help='first N test images scored (0 = all 10,000)')
    parser.add_argument('--finetune', action='store_true')
    parser.add_argument('--finetune-iters', type=int, default=300)
    parser.add_argument('--smoke', action='store_true',
                        help='a few iterations and images: checks the wiring')
    parser.add_argument('--work-dir')
    parser.add_argument('--out-dir', default=osp.join(ROOT, 'work_dirs',
                                                      'benchmarks'))
    args = parser.parse_args()
    if args.smoke:
        args.pretrain_iters, args.probe_iters = 2, 2
        args.finetune_iters, args.probe_epochs = 2, 2
        args.train_images, args.test_images = 64, 32
    # the budget is in the name: a rerun continues only the same budget
    args.work_dir = args.work_dir or osp.join(
        ROOT, 'work_dirs', 'compare_ssl' + ('_smoke' if args.smoke else ''),
        f'{args.encoder}_it{args.pretrain_iters}_bank{args.train_images}'
        f'_test{args.test_images}')
    return args


def parse_variant(text: str, methods) -> tuple:
    """'NAME=METHOD:k=v,k=v' -> (NAME, METHOD, {k: v}), values as Python
    literals where they parse."""
    import ast
    name, _, rest = text.partition('=')
    method, _, opts = rest.partition(':')
    if not name or method not in methods:
        raise SystemExit(f'--variant {text!r}: expected NAME=METHOD[:KEY=VAL,'
                         f'...] with METHOD one of {list(methods)}.')
    options = {}
    for item in filter(None, opts.split(',')):
        key, _, val = item.partition('=')
        try:
            options[key] = ast.literal_eval(val)
        except (ValueError, SyntaxError):
            options[key] = val
    return name, method, options


# ---------------------------------------------------------------- configs
def budget_config(path: str, iters: int, seed: int, options: dict,
                  smoke: bool):
    """The config at ``path`` for ``iters`` iterations and ``seed``: its
    iteration-based LR schedule stretched to fit, only the last checkpoint
    and a few for resume kept, the final validation on the test set."""
    from mmengine.config import Config
    cfg = Config.fromfile(path)
    cfg.merge_from_dict(options)
    old = cfg.train_cfg.max_iters
    for sched in cfg.get('param_scheduler') or []:
        for key in ('begin', 'end'):
            if key in sched and not sched.get('by_epoch', True):
                sched[key] = max(1, round(sched[key] * iters / old)) \
                    if sched[key] else 0
    cfg.train_cfg.update(max_iters=iters, val_interval=iters)
    cfg.default_hooks.checkpoint = dict(
        type='CheckpointHook', by_epoch=False, max_keep_ckpts=1,
        interval=max(1, iters // 4))
    cfg.randomness = dict(seed=seed)
    if cfg.get('val_dataloader'):
        cfg.val_dataloader.dataset.indices = None  # score all 10,000
    if smoke:
        for split in ('train', 'val', 'test'):
            loader = cfg.get(f'{split}_dataloader')
            if loader:
                loader.update(num_workers=0, persistent_workers=False,
                              batch_size=min(loader.batch_size, 8))
                loader.dataset.indices = 32
        cfg.default_hooks.logger = dict(type='LoggerHook', interval=1)
    return cfg


def run_train(cfg, work_dir: str, pretrained: str = None) -> float:
    """tools/train.py on ``cfg`` in its own process (resuming any earlier
    attempt); returns wall seconds."""
    os.makedirs(work_dir, exist_ok=True)
    cfg_file = osp.join(work_dir, 'config.py')
    cfg.dump(cfg_file)
    cmd = [sys.executable, osp.join(ROOT, 'tools', 'train.py'), cfg_file,
           '--work-dir', work_dir, '--resume', 'auto']
    if pretrained:
        cmd += ['--pretrained', pretrained]
    start = time.perf_counter()
    with open(osp.join(work_dir, 'stdout.log'), 'a') as log:
        code = subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT,
                               cwd=ROOT)
    if code != 0:
        with open(osp.join(work_dir, 'stdout.log')) as f:
            tail = ''.join(f.readlines()[-25:])
        raise RuntimeError(f'{" ".join(cmd)} failed (exit {code}); the end '
                           f'of {work_dir}/stdout.log:\n{tail}')
    return time.perf_counter() - start


def scalars(work_dir: str) -> list:
    """Every record MMEngine logged to vis_data/scalars.json, oldest run
    first (a resumed run has several timestamped folders)."""
    records = []
    for path in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data',
                                          'scalars.json'))):
        with open(path) as f:
            records += [json.loads(line) for line in f if line.strip()]
    return records


# ---------------------------------------------------------------- stages
def stage(result_file: str, fn):
    """Run ``fn`` unless ``result_file`` holds its result already."""
    if osp.isfile(result_file):
        with open(result_file) as f:
            return json.load(f), True
    result = fn()
    with open(result_file + '.tmp', 'w') as f:
        json.dump(result, f, indent=2)
    os.replace(result_file + '.tmp', result_file)
    return result, False


def pretrain(args, method: str, options: dict, seed: int, work_dir: str):
    enc = ENCODERS[args.encoder]
    cfg = budget_config(
        osp.join(ROOT, 'configs/masked_pretrain', enc['pretrain'].format(
            method)), args.pretrain_iters, seed, options, args.smoke)
    wall = run_train(cfg, work_dir)
    times = [r['time'] for r in scalars(work_dir) if 'time' in r]
    batch = cfg.train_dataloader.batch_size
    return dict(checkpoint=osp.join(work_dir,
                                    f'iter_{args.pretrain_iters}.pth'),
                iters=args.pretrain_iters, batch_size=batch,
                epochs=args.pretrain_iters * batch / 60000,
                wall_s=wall,
                images_per_s=batch / statistics.median(times) if times
                else None)


def frozen_eval(args, ckpt: str, seed: int) -> dict:
    """kNN and (feature) linear probe of the frozen encoder in ``ckpt``."""
    from mmengine.config import Config

    from finola_mm.evaluation import (frozen_features, knn_accuracy,
                                      train_linear_probe)
    cfg = Config.fromfile(osp.join(ROOT, 'configs/benchmarks',
                                   ENCODERS[args.encoder]['probe']))
    cfg.model.backbone.init_cfg = dict(
        type='Pretrained', checkpoint=ckpt, prefix='backbone.') if ckpt \
        else None
    if args.smoke:
        cfg.test_dataloader.update(num_workers=0, batch_size=16)
    import torch
    torch.manual_seed(seed)  # the random-init control's weights
    start = time.perf_counter()
    train, test = frozen_features(cfg, args.train_images or None,
                                  args.test_images or None)
    result = dict(knn_accuracy(*train, *test),
                  feature_s=time.perf_counter() - start,
                  num_train=len(train[0]), num_test=len(test[0]))
    if args.probe == 'features':
        result.update(train_linear_probe(*train, *test,
                                         epochs=args.probe_epochs, seed=seed))
    return result


def config_run(args, key: str, iters: int, ckpt: str, seed: int,
               work_dir: str) -> dict:
    """The probe or fine-tune config via tools/train.py; its final top-1/5."""
    cfg = budget_config(
        osp.join(ROOT, 'configs/benchmarks', ENCODERS[args.encoder][key]),
        iters, seed, {}, args.smoke)
    if not ckpt:  # the random-init control: fix its weights by the seed
        cfg.model.backbone.init_cfg = None
    wall = run_train(cfg, work_dir, pretrained=ckpt)
    final = [r for r in scalars(work_dir) if 'accuracy/top1' in r][-1]
    name = 'linear' if key == 'probe' else 'finetune'
    return {f'{name}/top1': final['accuracy/top1'],
            f'{name}/top5': final.get('accuracy/top5'), f'{name}_s': wall}


def run_all(args, runs: list) -> list:
    """[(name, method, options)] x seeds -> one result dict per run."""
    jobs = [(seed, *run) for seed in range(args.seeds) for run in runs]
    results, start = [], time.perf_counter()
    for n, (seed, name, method, options) in enumerate(jobs):
        work = osp.join(args.work_dir, f'{name}_seed{seed}')
        os.makedirs(work, exist_ok=True)
        row = dict(name=name, method=method, options=options, seed=seed)
        print(f'[{n + 1}/{len(jobs)}] {name} seed {seed}', flush=True)
        ckpt = None
        if method != RANDOM:
            pre, cached = stage(osp.join(work, 'pretrain.json'), lambda: (
                pretrain(args, method, options, seed,
                         osp.join(work, 'pretrain'))))
            row['pretrain'], ckpt = pre, pre['checkpoint']
            print(f'    pretrain {"(cached) " if cached else ""}'
                  f'{pre["wall_s"] / 60:.1f} min, '
                  f'{pre["images_per_s"] or 0:.0f} img/s', flush=True)
        row['frozen'], _ = stage(osp.join(work, 'frozen.json'),
                                 lambda: frozen_eval(args, ckpt, seed))
        if args.probe == 'config':
            probe, _ = stage(osp.join(work, 'probe.json'), lambda: config_run(
                args, 'probe', args.probe_iters, ckpt, seed,
                osp.join(work, 'probe')))
            row['frozen'].update(probe)
        if args.finetune:
            row['finetune'], _ = stage(
                osp.join(work, 'finetune.json'), lambda: config_run(
                    args, 'finetune', args.finetune_iters, ckpt, seed,
                    osp.join(work, 'finetune')))
        f = row['frozen']
        print(f'    linear top-1 {f["linear/top1"]:.2f}, kNN top-1 '
              f'{f["knn/top1"]:.2f}', flush=True)
        elapsed = time.perf_counter() - start
        eta = elapsed / (n + 1) * (len(jobs) - n - 1)
        print(f'    elapsed {elapsed / 60:.1f} min, ETA {eta / 60:.1f} min',
              flush=True)
        results.append(row)
    return results


# ---------------------------------------------------------------- report
def mean_std(values: list) -> tuple:
    values = [v for v in values if v is not None]
    if not values:
        return None, None
    return statistics.fmean(values), (statistics.stdev(values)
                                      if len(values) > 1 else 0.)


def summarize(results: list, runs: list) -> list:
    """One row per run name: metrics as (mean, std) over seeds."""
    rows = []
    for name, method, options in runs:
        group = [r for r in results if r['name'] == name]
        pre = [r.get('pretrain') or {} for r in group]
        row = dict(name=name, method=method, options=options,
                   seeds=len(group),
                   epochs=pre[0].get('epochs'),
                   iters=pre[0].get('iters'),
                   pretrain_min=mean_std([p.get('wall_s', 0) / 60
                                          for p in pre if p]),
                   images_per_s=mean_std([p.get('images_per_s')
                                          for p in pre if p]))
        for key in ('linear/top1', 'linear/top5', 'knn/top1', 'knn/top5'):
            row[key] = mean_std([r['frozen'].get(key) for r in group])
        row['finetune/top1'] = mean_std(
            [r['finetune']['finetune/top1'] for r in group
             if r.get('finetune')])
        rows.append(row)
    control = next(r for r in rows if r['method'] == RANDOM)
    for row in rows:
        if row is not control:
            row['beats_random'] = row['linear/top1'][0] > \
                control['linear/top1'][0]
    return rows


def fmt(pair, digits=2) -> str:
    mean, std = pair if isinstance(pair, tuple) else (pair, None)
    if mean is None:
        return '-'
    return f'{mean:.{digits}f}' + (f' ± {std:.{digits}f}' if std else '')


def markdown(rows: list, encoder: str) -> str:
    head = ('| method | encoder | pretrain epochs (iters) | pretrain min | '
            'pretrain img/s | linear top-1 | kNN top-1 | fine-tune top-1 | '
            'beats random-init |')
    lines = [head, '|' + '---|' * (head.count('|') - 1)]
    for r in rows:
        epochs = '-' if r['iters'] is None else \
            f'{r["epochs"]:.2f} ({r["iters"]})'
        beats = {True: 'yes', False: '**NO**'}.get(r.get('beats_random'),
                                                  '(control)')
        lines.append(
            f'| {r["name"]} | {encoder} | {epochs} | '
            f'{fmt(r["pretrain_min"], 1)} | {fmt(r["images_per_s"], 0)} | '
            f'{fmt(r["linear/top1"])} | {fmt(r["knn/top1"])} | '
            f'{fmt(r["finetune/top1"])} | {beats} |')
    return '\n'.join(lines)


def bar_chart(rows: list, path: str, title: str) -> None:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    keys = [k for k in ('linear/top1', 'knn/top1', 'finetune/top1')
            if any(r[k][0] is not None for r in rows)]
    width = 0.8 / len(keys)
    fig, ax = plt.subplots(figsize=(1.6 + 1.3 * len(rows), 4))
    for i, key in enumerate(keys):
        xs = [j + (i - (len(keys) - 1) / 2) * width for j in range(len(rows))]
        ax.bar(xs, [r[key][0] or 0 for r in rows], width,
               yerr=[r[key][1] or 0 for r in rows], capsize=3, label=key)
    ax.set_xticks(range(len(rows)), [r['name'] for r in rows], rotation=20)
    ax.set_ylabel('accuracy (%)')
    lows = [r[k][0] for r in rows for k in keys if r[k][0] is not None]
    ax.set_ylim(max(0, min(lows) - 10), min(100, max(lows) + 5))
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main():
    args = parse_args()
    from mmengine.logging import MMLogger  # in-process feature passes: quiet
    MMLogger.get_instance('compare_ssl', log_level='WARNING')
    methods = ENCODERS[args.encoder]['methods']
    chosen = args.methods or methods
    unknown = set(chosen) - set(methods)
    if unknown:
        raise SystemExit(f'--methods {sorted(unknown)}: {args.encoder} '
                         f'supports {list(methods)}.')
    if args.ablate and args.encoder != 'vit-tiny-p4':
        raise SystemExit('--ablate: the variants are written for '
                         'vit-tiny-p4 (MAE, patch mask generator).')
    variants = args.variant + list(ABLATIONS if args.ablate else ())
    runs = [(RANDOM, RANDOM, {})] + [(m, m, {}) for m in chosen] + [
        parse_variant(v, methods) for v in variants]
    names = [r[0] for r in runs]
    if len(set(names)) != len(names):
        raise SystemExit(f'run names must be unique: {names}')

    start = time.perf_counter()
    results = run_all(args, runs)
    rows = summarize(results, runs)
    table = markdown(rows, args.encoder)
    budget = (f'{args.pretrain_iters} pretraining iterations, batch '
              f'{results[-1].get("pretrain", {}).get("batch_size", "-")}, '
              f'{args.seeds} seed(s); probe: {args.probe}; '
              f'{results[0]["frozen"]["num_train"]} '
              f'train / {results[0]["frozen"]["num_test"]} test images')
    print(f'\n## compare_ssl: {args.encoder} on Fashion-MNIST 32 px\n\n'
          f'{budget}\n\n{table}\n')
    for r in rows:
        if r.get('beats_random') is False:
            print(f'WARNING: {r["name"]} does not beat the random-init '
                  f'control on linear top-1 ({fmt(r["linear/top1"])} vs '
                  f'{fmt(rows[0]["linear/top1"])}).')
    total = time.perf_counter() - start
    print(f'total wall time {total / 60:.1f} min')

    os.makedirs(args.out_dir, exist_ok=True)
    stem = osp.join(args.out_dir, f'compare_ssl_{args.encoder}' +
                    ('_ablation' if args.ablate else '') +
                    ('_smoke' if args.smoke else ''))
    with open(stem + '.md', 'w') as f:
        f.write(f'{budget}\n\n{table}\n')
    bar_chart(rows, stem + '.png', f'{args.encoder}, Fashion-MNIST 32 px: '
              f'{budget}')
    with open(stem + '.json', 'w') as f:
        json.dump(dict(command=' '.join(sys.argv), args=vars(args),
                       machine=dict(platform=platform.platform(),
                                    cpus=os.cpu_count()),
                       total_wall_s=total, summary=rows, runs=results),
                  f, indent=2, default=str)
    print(f'wrote {stem}.md, .json and .png')


if __name__ == '__main__':
    main()
