"""Benchmark: detection transfer of Masked FINOLA, MAE and SimMIM encoders,
with a random-init control row, over several detector seeds.

Where the encoders come from (one start for every method):
  --from-benchmark DATASET  (default cifar10) the classification
        benchmark's pretraining checkpoints (tools/benchmarks/compare_ssl.py
        on DATASET at its cpu budget: 2,000 x 64, MAE's start for every
        method); detector seed k starts from pretraining seed k
  --pretrain-here  a short run of each method's 32 px Fashion-MNIST config
        here (--pretrain-iters, --start, --pretrain-options)
  --ckpt METHOD=PATH ...  given checkpoints, one for every seed
Every row, the random-init control included, gets the input normalisation
the checkpoints were pretrained with (their configs' data_preprocessor).
A demo detector (configs/benchmarks/mmdet/demo/) is trained from each
checkpoint once per seed and scored with the config's test loop (CocoMetric:
bbox, and segm for Mask R-CNN) on the set's ``test`` split, or with
``--split val`` on its ``val`` split, where every choice is made. ``--jobs``
(default 2) runs that many at once on a share of the cores each: one
detector gains little from a second core. The detectors run in spawned
worker processes, one Runner each (with ``--jobs 1``, in this process).
Every pretraining and every detector run is a stage:
its result is written when it ends and read back by a rerun of the same
command, so an interrupted run continues where it stopped.

Two detection sets (``--set``):
  rank  (default) 64 px, 1-3 grey items of 20-40 px a side on black: the
        pretraining images' domain and scale (28 px items), so a short
        detector schedule reaches a measurable mAP and pretraining shows.
        (On tinted items over photos, the 'demo' style, MAE's checkpoint
        gained only 0.6 bbox mAP over random init at 1,000 iterations.)
  demo  the general demo set: 128 px, COCO's small/medium/large mix.

With --pretrain-here, ``--start`` picks where every ViT method pretrains
from (the config field ``model.backbone.mae_init``, which every method
has): ``mae`` (default, the classification benchmark's) or ``plain``, the
same for every method.

    python tools/benchmarks/transfer_det.py                      # CIFAR-10 checkpoints
    python tools/benchmarks/transfer_det.py --split val          # choices
    python tools/benchmarks/transfer_det.py --from-benchmark fmnist
    python tools/benchmarks/transfer_det.py --pretrain-here --start plain
    python tools/benchmarks/transfer_det.py --ckpt mae=A masked-finola-e=B
    python tools/benchmarks/transfer_det.py --set demo --frozen \
        --detector retinanet --encoder mobile-former-tiny
    python tools/benchmarks/transfer_det.py --cfg-options \
        optim_wrapper.paramwise_cfg.layer_decay_rate=0.7 \
        optim_wrapper.constructor=mmpretrain.BackboneLayerDecayOptimWrapperConstructor
    python tools/benchmarks/transfer_det.py --smoke              # seconds

Prints a markdown table (mean ± std over seeds, the per-seed paired
difference to the control and to MAE, and whether the gap between the best
pretrained row and the control exceeds 3x their seed spread) and writes
JSON (--out-dir).
"""
import argparse
import json
import os
import os.path as osp
import platform
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

from mmengine.config import Config, DictAction

# Before torch loads (here and in the runs it starts): OpenMP threads that
# spin while waiting make many small ops 10-100x slower whenever another
# process shares the 2 cores; sleeping costs little when they are idle.
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
# the repository root, so that `tools.` imports when run as a script
sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
from tools.data.make_demo_coco import make_demo_coco  # noqa: E402
from tools.benchmarks.engine import (  # noqa: E402
    PRETRAIN_METHODS, REPO as ROOT, Progress, config_digest, config_stage, fmt,
    cancel_on_failure, json_digest, log, mean_std, parse_ckpts,
    shared_normalisation, short_pretrain, short_pretrain_config,
    stage, table, train_and_test, write_report)
from tools.benchmarks.engine.transfer import (  # noqa: E402
    BASELINE, CONTROL, add_jobs_argument, add_source_arguments,
    benchmark_per_seed, checkpoint_mtime, job_threads, resolve_source,
    run_jobs, score_once, seed_rows, source_line, source_tag, verdict,
    verdict_line)

DETECTOR = ('configs/benchmarks/mmdet/demo/'
            '{detector}_{encoder}-{neck}_{mode}_demo-coco-{px}px.py')
ENCODERS = {  # name: (config name, neck)
    'vit-tiny': ('vit-tiny-p4', 'sfp'),
    'mobile-former-tiny': ('mobile-former-tiny', 'fpn'),
}
# The start every method pretrains from with --pretrain-here, the config
# field model.backbone.mae_init that every ViT method's config has (MAE's
# through MAEViTStart): 'mae' is MAE's encoder init (the configs' default
# and the classification benchmark's), 'plain' the plain ViT's. One start
# for every method: a per-method choice would mix the effect of the start
# with that of the method (docs/detection_transfer.md). Mobile-Former has no
# switch.
STARTS = ('mae', 'plain')


def start_options(start: str, encoder: str, methods) -> dict:
    """--start as --pretrain-options: {'METHOD:model.backbone.mae_init':
    bool} for each ViT method; {} for an encoder without the switch."""
    if encoder != 'vit-tiny':
        return {}
    return {f'{m}:model.backbone.mae_init': start == 'mae' for m in methods}


# The detection sets: make_demo_coco's arguments, where the set lives, and
# the detector schedule. 'rank' is sized so that the default run (4
# pretrainings, 5 rows x 2 seeds) fits in about an hour on 2 CPU cores
# (docs/detection_transfer.md has the measured run). Its 3,000 val images
# (300 before) cut the evaluation noise: the same two random-init
# detectors differ by 1.0 bbox mAP on 300 images and by 0.2 on 3,000.
SETS = {
    'rank': dict(data=dict(img_size=64, max_objects=3, object_sides=(20, 40),
                           style='plain', num_train=1200, num_val=3000,
                           num_test=3000),
                 data_root='data/demo_coco_64px', det_iters=600,
                 det_batch=8),
    'demo': dict(data=dict(img_size=128, num_train=300, num_val=100),
                 data_root='data/demo_coco', det_iters=200, det_batch=4),
}
PRETRAIN = dict(pretrain_iters=1000, pretrain_batch=64)
SMOKE = dict(pretrain_iters=2, pretrain_batch=4, det_iters=2, det_batch=2,
             num_train=4, num_val=2, num_test=2)


def data_options(data_root: str) -> dict:
    """Config options pointing the demo configs' loaders and metrics at
    ``data_root`` (as tools/train.py --cfg-options k=v)."""
    root = osp.abspath(data_root) + '/'
    options = {f'{split}_dataloader.dataset.data_root': root
               for split in ('train', 'val', 'test')}
    return dict(options, **{
        f'{split}_evaluator.ann_file':
        f'{root}annotations/instances_{split}.json'
        for split in ('val', 'test')})


def pretrain(method: str, encoder: str, iters: int, batch: int,
             out_dir: str, options=None) -> str:
    """A short run of the method's 32 px pretraining config (with
    ``options``, --pretrain-options) -> checkpoint."""
    start = time.perf_counter()
    ckpt = short_pretrain(method, ENCODERS[encoder][0], iters, batch,
                          osp.join(out_dir, 'pretrain', method), options)
    log(f'  pretrained {method} ({iters} iterations) in '
        f'{time.perf_counter() - start:.0f} s')
    return ckpt


def detector_cfg(cfg_path: str, name: str, ckpt, seed: int, args,
                 sizes: dict):
    """The demo detector's config, its backbone initialised from ``ckpt``
    exactly as by ``tools/train.py --pretrained ckpt`` (None: random)."""
    cfg = Config.fromfile(osp.join(ROOT, cfg_path))
    iters = sizes['det_iters']
    warmup = cfg.param_scheduler[0]
    cfg.merge_from_dict(dict(data_options(args.data_root), **{
        'train_cfg.max_iters': iters,
        'param_scheduler.0.end': min(warmup.end, max(1, iters // 10)),
        'param_scheduler.1.end': iters,
        'param_scheduler.1.milestones': [iters * 2 // 3, iters * 11 // 12],
        'default_hooks.checkpoint.interval': iters,
        'train_dataloader.batch_size': sizes['det_batch'],
        'randomness.seed': seed}))
    cfg.merge_from_dict(args.cfg_options or {})
    score_once(cfg, args)
    if ckpt:
        cfg.model.backbone.init_cfg = dict(type='Pretrained',
                                           checkpoint=ckpt, prefix='backbone.')
    # all runs share this process: each gets its own logger and visualizer
    cfg.experiment_name = cfg.visualizer.name = f'transfer_det_{name}'
    cfg.work_dir = osp.join(args.out_dir, 'det', name)
    return cfg


def train_detector(cfg_path: str, method: str, ckpt, seed: int, args,
                   sizes: dict) -> dict:
    """Train one demo detector, then score it on ``args.split`` with the
    config's test loop (CocoMetric) -> timings and metrics. Its log goes to
    its work dir's run.log, as for the pretraining runs."""
    import finola_mm  # noqa: F401  registers modules, safe loading
    name = f'{method}_seed{seed}'
    res = train_and_test(
        detector_cfg(cfg_path, name, ckpt, seed, args, sizes),
        osp.join(args.out_dir, 'det', name, 'run.log'))
    res['metrics'] = {k: v for k, v in res['metrics'].items()
                      if k.startswith('coco/')}
    log(f'  {name}: trained {sizes["det_iters"]} iterations in '
        f'{res["train_s"]:.0f} s, tested in {res["test_s"]:.0f} s, bbox mAP '
        f'{res["metrics"].get("coco/bbox_mAP")}')
    return dict(method=method, seed=seed, checkpoint=ckpt, **res)


def method_options(options, method: str) -> dict:
    """--pretrain-options for ``method``: 'KEY=VAL' for every method,
    'METHOD:KEY=VAL' for that method only (a key one config lacks, e.g.
    MAE's encoder has no ``mae_init``)."""
    picked = {}
    for key, value in (options or {}).items():
        name, sep, rest = key.rpartition(':')
        if not sep or name == method:
            picked[rest] = value
    return picked


def pretrain_stage(method: str, args, sizes: dict, digest: str) -> tuple:
    """Pretraining as a stage -> (method, checkpoint, cached)."""
    res, cached = config_stage(
        osp.join(args.out_dir, 'pretrain', method, 'result.json'),
        lambda: dict(checkpoint=pretrain(
            method, args.encoder, sizes['pretrain_iters'],
            sizes['pretrain_batch'], args.out_dir,
            method_options(args.pretrain_options, method))),
        digest)
    return method, res['checkpoint'], cached


def detector_stage(cfg_path: str, method: str, ckpt, seed: int, args,
                   sizes: dict, digests: dict) -> tuple:
    """One detector run as a stage -> (result, cached). A result is read
    back only if it was made with the same --cfg-options from the same
    detector and pretraining configs and the same detection set
    (``digests``: the configs' SHA-256 and the set's arguments)."""
    log(f'detector {osp.basename(cfg_path)} from {method}, seed {seed}')
    # as the result file will hold it (JSON: a tuple option reads back as
    # a list), so that an unchanged run compares equal
    made_with = json.loads(json.dumps(
        dict(digests, cfg_options=args.cfg_options, checkpoint=ckpt)))
    return stage(
        osp.join(args.out_dir, 'det', f'{method}_seed{seed}', 'result.json'),
        lambda: dict(train_detector(cfg_path, method, ckpt, seed, args,
                                    sizes), **made_with),
        lambda r: all(r.get(k) == v for k, v in made_with.items()))


# ------------------------------------------------------------------ report
def percent(runs: list, key: str) -> list:
    return [None if r['metrics'].get(key) is None
            else 100 * r['metrics'][key] for r in runs]


def summarise(runs: list, methods: list) -> dict:
    """Per method: mean ± std over seeds of each mAP (%), the seed range of
    bbox mAP, and the paired per-seed bbox mAP differences against the
    control and MAE; plus the verdict (engine.transfer.verdict)."""
    rows = seed_rows(runs, methods,
                     lambda r: percent([r], 'coco/bbox_mAP')[0])
    for m, row in rows.items():
        group = [r for r in runs if r['method'] == m]
        row.update(bbox50=mean_std(percent(group, 'coco/bbox_mAP_50')),
                   segm=mean_std(percent(group, 'coco/segm_mAP')),
                   train_s=mean_std([r['train_s'] for r in group]))
    return dict(rows=rows, verdict=verdict(rows, 'bbox mAP'))


def table_rows(summary: dict) -> tuple:
    """(head, body) of the detection table."""
    head = ['method', 'bbox mAP', 'per seed', 'Δ vs random (paired)',
            f'Δ vs {BASELINE} (paired)', 'bbox mAP50', 'segm mAP', 'train s']
    return head, [
        [m, fmt(r['mean'], 1),
         ' / '.join('-' if v is None else f'{v:.1f}' for v in r['values']),
         fmt(r['delta'], 1, sign=True), fmt(r['delta_mae'], 1, sign=True),
         fmt(r['bbox50'], 1),
         fmt(r['segm'], 1), fmt(r['train_s'], 0)]
        for m, r in summary['rows'].items()]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    add_source_arguments(parser)
    parser.add_argument('--methods', nargs='+', help='pretraining methods '
                        '(default: all the encoder supports)')
    parser.add_argument('--encoder', default='vit-tiny',
                        choices=list(ENCODERS))
    parser.add_argument('--detector', default='mask-rcnn',
                        choices=['mask-rcnn', 'retinanet'])
    parser.add_argument('--frozen', action='store_true',
                        help='freeze the encoder (neck and heads train)')
    parser.add_argument('--set', default='rank', choices=list(SETS),
                        help='the detection set (see above)')
    parser.add_argument('--seeds', type=int, default=2,
                        help='detector seeds per checkpoint')
    parser.add_argument('--pretrain-iters', type=int,
                        help=f'default {PRETRAIN["pretrain_iters"]}')
    parser.add_argument('--pretrain-batch', type=int,
                        help=f'default {PRETRAIN["pretrain_batch"]}')
    parser.add_argument('--det-iters', type=int,
                        help='default: the set\'s (rank '
                        f'{SETS["rank"]["det_iters"]}, demo '
                        f'{SETS["demo"]["det_iters"]})')
    parser.add_argument('--det-batch', type=int)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        metavar='KEY=VAL', help='options for the detector '
                        'config of every row, as tools/train.py '
                        '--cfg-options (e.g. the layer-wise LR decay of '
                        'docs/detection_transfer.md); recorded with each '
                        'result, and a result made with other options is '
                        'rerun')
    parser.add_argument('--start', default='mae', choices=STARTS,
                        help='with --pretrain-here: the start every ViT '
                        'method pretrains from (model.backbone.mae_init): '
                        'mae (default, the classification benchmark\'s) or '
                        'plain')
    parser.add_argument('--pretrain-options', nargs='+', action=DictAction,
                        metavar='[METHOD:]KEY=VAL', help='options for '
                        'every method\'s pretraining config, or with '
                        'METHOD: for that method\'s only, applied after '
                        '--start; they enter the config\'s digest, so '
                        'cached pretrainings made without them rerun')
    parser.add_argument('--ema', type=float, metavar='MOMENTUM',
                        help='test an exponential moving average of the '
                        'detector weights (MMEngine EMAHook; each step moves '
                        'the average MOMENTUM of the way to the weights); '
                        'recorded as a --cfg-options entry')
    parser.add_argument('--data-root', help='where the set is made '
                        '(default: the set\'s, under data/)')
    parser.add_argument('--out-dir', help='default: work_dirs/benchmarks/'
                        'transfer_det/<set, detector, encoder, mode, '
                        'iterations>; a rerun continues there')
    add_jobs_argument(parser, 'pretrainings and detectors')
    parser.add_argument('--smoke', action='store_true',
                        help='a few iterations on a tiny set (tests)')
    args = parser.parse_args()
    known = PRETRAIN_METHODS[ENCODERS[args.encoder][0]]
    for key in args.pretrain_options or {}:
        name, sep, _ = key.rpartition(':')
        if sep and name not in known:  # a typo would be silently ignored
            parser.error(f'--pretrain-options {key}: {name!r} is not a '
                         f'method of {args.encoder}; give one of '
                         f'{list(known)} before the colon, or no prefix')
    if ((args.pretrain_options or args.start != 'mae' or
         args.pretrain_iters or args.pretrain_batch)
            and not args.pretrain_here):
        parser.error('--pretrain-options, --start, --pretrain-iters and '
                     '--pretrain-batch shape pretraining here: add '
                     '--pretrain-here (without it the checkpoints come from '
                     '--from-benchmark or --ckpt)')
    resolve_source(parser, args, ENCODERS[args.encoder][0])
    if args.ema is not None:
        if not 0 < args.ema < 1:
            parser.error(f'--ema {args.ema}: give a momentum in (0, 1), '
                         f'e.g. 0.01 (an average over ~100 iterations)')
        # as an option, so it is recorded, tags the out dir and reruns stages
        args.cfg_options = dict(args.cfg_options or {}, custom_hooks=[dict(
            type='EMAHook', momentum=args.ema, update_buffers=True,
            priority=49)])
    return args


def options_tag(options: dict) -> str:
    """8 hex digits naming a set of --cfg-options (for the out dir)."""
    return json_digest(options)[:8]


def resolve(args) -> dict:
    """Fill the defaults of ``args`` (in place); return the sizes."""
    preset = SETS[args.set]
    sizes = dict(PRETRAIN, det_iters=preset['det_iters'],
                 det_batch=preset['det_batch'], **preset['data'])
    if args.smoke:
        sizes.update(SMOKE)
    for key in ('pretrain_iters', 'pretrain_batch', 'det_iters',
                'det_batch'):
        sizes[key] = getattr(args, key) or sizes[key]
    mode = 'frozen' if args.frozen else 'ft'
    given = args.pretrain_options  # these and --start tag the out dir
    if args.pretrain_here:
        args.pretrain_options = dict(start_options(
            args.start, args.encoder, PRETRAIN_METHODS[
                ENCODERS[args.encoder][0]]), **(given or {})) or None
    source = source_tag(args, sizes['pretrain_iters'])
    if args.out_dir is None:
        args.out_dir = osp.join(
            ROOT, 'work_dirs/benchmarks/transfer_det',
            f'{args.set}_{args.detector}_{args.encoder}_{mode}_'
            f'{source}_d{sizes["det_iters"]}_{args.split}'
            + ('_smoke' if args.smoke else '')
            + (f'_opts{options_tag(args.cfg_options)}'
               if args.cfg_options else '')
            + ('_plain-start' if args.pretrain_here and args.start == 'plain'
               else '')
            + (f'_popts{options_tag(given)}' if given else ''))
    if args.data_root is None:
        args.data_root = (osp.join(args.out_dir, 'data') if args.smoke else
                          osp.join(ROOT, preset['data_root']))
    return sizes


def main():
    args = parse_args()
    sizes = resolve(args)
    config_name, neck = ENCODERS[args.encoder]
    cfg = DETECTOR.format(detector=args.detector, encoder=config_name,
                          neck=neck, mode='frozen' if args.frozen else 'ft',
                          px=sizes['img_size'])
    if not osp.isfile(osp.join(ROOT, cfg)):
        raise SystemExit(f'No demo config {cfg} for --set {args.set} '
                         f'--detector {args.detector} --encoder '
                         f'{args.encoder}; the configs there are the choices '
                         f'(or use --set demo).')
    start = time.perf_counter()
    made = make_demo_coco(args.data_root, **{
        k: sizes[k] for k in SETS[args.set]['data']})
    log(f'{args.set} set {made["out_dir"]}: '
        f'{made["summary"]["train"]["images"]} train / '
        f'{made["summary"][args.split]["images"]} {args.split} images '
        f'scored')

    ckpts = parse_ckpts(args.ckpt)
    methods = list(dict.fromkeys(  # a method named twice runs once
        list(ckpts) or args.methods or PRETRAIN_METHODS[config_name]))
    per_seed = benchmark_per_seed(args, methods, config_name)
    progress = Progress(len(methods) * args.pretrain_here
                        + (1 + len(methods)) * args.seeds)
    # a cached result records its pretraining config's digest: after an
    # edit of that config, pretraining and its detectors run again
    digests = {m: config_digest(short_pretrain_config(
        m, ENCODERS[args.encoder][0], sizes['pretrain_iters'],
        sizes['pretrain_batch'], method_options(args.pretrain_options, m)))
        for m in methods} if args.pretrain_here else {}
    # --jobs runs at once, each on its share of the cores (a pretraining is
    # its own process already; a detector gets a spawned worker)
    threads = job_threads(args.jobs)
    todo = methods if args.pretrain_here else []
    with ThreadPoolExecutor(args.jobs) as pool, cancel_on_failure(pool):
        futures = [pool.submit(pretrain_stage, m, args, sizes, digests[m])
                   for m in todo]
        for future in as_completed(futures):
            m, ckpt, cached = future.result()
            ckpts[m] = ckpt
            progress.step(f'pretrained {m}', cached)
    order = [(seed, method) for seed in range(args.seeds)
             for method in [CONTROL] + methods]  # rows in the order asked
    checkpoint = {(seed, m): per_seed.get((m, seed)) or ckpts.get(m)
                  for seed, m in order}
    args.normalisation = shared_normalisation(
        [c for c in checkpoint.values() if c])
    det_digest = config_digest(Config.fromfile(osp.join(ROOT, cfg)))
    calls = {(seed, m): (cfg, m, checkpoint[seed, m], seed, args, sizes, dict(
        detector_config_sha256=det_digest,
        data_set=made['args'],  # a larger set is another result
        split=args.split, normalisation=args.normalisation,
        checkpoint_mtime=checkpoint_mtime(checkpoint[seed, m]),
        pretrain_config_sha256=digests.get(m))) for seed, m in order}
    done = run_jobs(detector_stage, calls, args.jobs, threads, progress,
                    lambda k, r: f'detector from {k[1]}, seed {k[0]}')
    runs = [done[k][0] for k in order]
    summary = summarise(runs, [CONTROL] + methods)

    import torch
    source = source_line(args, sizes['pretrain_iters'],
                         sizes['pretrain_batch'], args.start)
    note = (f'{args.detector}, {args.encoder}, '
            f'{"frozen" if args.frozen else "fine-tuned"}, {args.set} set '
            f'({sizes["img_size"]} px); {sizes["det_iters"]} iterations of '
            f'{sizes["det_batch"]} images, {args.seeds} seed(s); '
            f'encoders: {source}'
            + (f', options {args.cfg_options}' if args.cfg_options else '')
            + (f', pretraining options {args.pretrain_options}'
               if args.pretrain_options else '')
            + '; COCO mAP (%) on '
            f'{made["summary"][args.split]["images"]} {args.split} images, '
            f'mean ± std over seeds; {args.jobs} job(s) at once, '
            f'{threads} thread(s) '
            f'each. Verdict: {verdict_line(summary["verdict"])}')
    write_report(osp.join(args.out_dir, 'transfer_det'), dict(main=table(
        f'transfer_det: {args.detector}, {args.encoder}',
        *table_rows(summary), note)), dict(
            config=cfg, set=args.set, sizes=sizes,
            cfg_options=args.cfg_options,
            pretrain_options=args.pretrain_options,
            source=source, split=args.split,
            from_benchmark=args.from_benchmark,
            normalisation=args.normalisation,
            start=args.start if args.pretrain_here else None,
            torch=torch.__version__,
            cpu=platform.processor() or platform.machine(),
            jobs=args.jobs, threads=threads, runs=runs, **summary), start)
    print('\n' + verdict_line(summary['verdict']))


if __name__ == '__main__':
    main()
