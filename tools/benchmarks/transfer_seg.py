"""Benchmark: semantic-segmentation transfer of Masked FINOLA, MAE and SimMIM
encoders with a random-init control row, over several seeds.

The encoders come from the classification benchmark's checkpoints by
default (``--from-benchmark cifar10``: compare_ssl's cpu budget, one start
for every method, segmentor seed k from pretraining seed k), from short
runs here (``--pretrain-here``) or from ``--ckpt``. Every row, the control
included, gets the input normalisation the checkpoints were pretrained
with. A demo UperNet (configs/benchmarks/mmseg/demo/) is trained from each
one per seed and scored with the config's test loop (IoUMetric: mIoU, aAcc;
SegDiagnosisMetric: per-class IoU, what the logits say on object pixels) on
the set's ``test`` split, or with ``--split val`` on its ``val`` split,
where every choice is made.

Two sets (``--set``):
  rank  (default) 64 px, 1-3 grey items of 20-40 px a side on black (the
        detection ranking set's images as class maps): the pretraining
        images' domain and scale. 2,000 iterations, chosen on val: random
        init reaches 38.7 mIoU there (27.2 at 1,000) with no class at 0 IoU
        (docs/segmentation_transfer.md)
  demo  the general demo set: 128 px tinted items on photos. At its 300
        iterations every segmentor predicts background everywhere (the
        diagnosis); 1,000 iterations there cost 4x the rank set's.

Every segmentor is a stage keyed by its full config: a rerun reads finished
ones back and redoes those whose config changed. ``--jobs`` segmentors
(default 2) train at once in spawned workers, each on its share of the
cores: one segmentor gains little from a second core.

    python tools/benchmarks/transfer_seg.py                  # CIFAR-10 checkpoints
    python tools/benchmarks/transfer_seg.py --split val      # choices
    python tools/benchmarks/transfer_seg.py --from-benchmark fmnist
    python tools/benchmarks/transfer_seg.py --ckpt mae=A masked-finola-e=B
    python tools/benchmarks/transfer_seg.py --smoke          # seconds

Prints a markdown table (mean ± std over seeds, paired differences against
random init and MAE, the verdict line) and writes it with JSON
(engine.write_report).
"""
import argparse
import json
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
    fmt, json_digest, log, mean_std, parse_ckpts, shared_normalisation,
    short_pretrain, short_pretrain_config, shorten_schedule, table,
    train_and_test, write_report)
from tools.benchmarks.engine.transfer import (  # noqa: E402
    BASELINE, CONTROL, add_jobs_argument, add_source_arguments,
    benchmark_per_seed, checkpoint_mtime, job_threads, resolve_source,
    run_jobs, score_once, seed_rows, source_line, source_tag, verdict,
    verdict_line)
from tools.benchmarks.transfer_det import SETS as DET_SETS  # noqa: E402

SEGMENTOR = ('configs/benchmarks/mmseg/demo/'
             'upernet_{encoder}_{mode}_demo-seg-{px}px.py')
ENCODERS = ('vit-tiny-p4', 'mobile-former-tiny')
# the sets: the demo COCO set each is made from (make_demo_coco's
# arguments), where both live, and the segmentor schedule
SETS = {
    'rank': dict(data=DET_SETS['rank']['data'], px=64,
                 coco_root='data/demo_coco_64px',
                 data_root='data/demo_seg_64px', seg_iters=2000, seg_batch=8),
    'demo': dict(data=DET_SETS['demo']['data'], px=128,
                 coco_root='data/demo_coco', data_root='data/demo_seg',
                 seg_iters=300, seg_batch=8),
}
PRETRAIN = dict(pretrain_iters=1000, pretrain_batch=64)  # --pretrain-here
SMOKE = dict(pretrain_iters=2, pretrain_batch=4, seg_iters=2, seg_batch=2,
             num_train=4, num_val=2, num_test=2)


def segmentor_cfg(name: str, ckpt, seed: int, args, sizes: dict):
    """The demo segmentor's config on ``args.data_root``, shortened to
    ``sizes['seg_iters']``, its backbone from ``ckpt`` (None: random),
    scored on ``args.split``."""
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(ROOT, SEGMENTOR.format(
        encoder=args.encoder, mode='frozen' if args.frozen else 'ft',
        px=SETS[args.set]['px'])))
    shorten_schedule(cfg, sizes['seg_iters'])
    cfg.default_hooks.checkpoint.interval = sizes['seg_iters']
    cfg.train_dataloader.batch_size = sizes['seg_batch']
    cfg.randomness.seed = seed
    for split in ('train', 'val', 'test'):
        cfg.get(f'{split}_dataloader').dataset.data_root = args.data_root
    score_once(cfg, args)
    if ckpt:
        cfg.model.backbone.init_cfg = dict(type='Pretrained',
                                           checkpoint=ckpt, prefix='backbone.')
    # all runs share this process: each gets its own logger and visualizer
    cfg.experiment_name = cfg.visualizer.name = f'transfer_seg_{name}'
    cfg.work_dir = osp.join(args.out_dir, 'seg', name)
    return cfg


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    add_source_arguments(parser)
    parser.add_argument('--methods', nargs='+', help='pretraining methods '
                        '(default: all the encoder supports)')
    parser.add_argument('--encoder', default='vit-tiny-p4', choices=ENCODERS)
    parser.add_argument('--frozen', action='store_true',
                        help='freeze the encoder (pyramid and heads train)')
    parser.add_argument('--set', default='rank', choices=list(SETS))
    parser.add_argument('--seeds', type=int, default=2,
                        help='segmentor seeds per method')
    parser.add_argument('--pretrain-iters', type=int)
    parser.add_argument('--seg-iters', type=int)
    parser.add_argument('--data-root', help='the segmentation set (default: '
                        'the set\'s, under data/)')
    parser.add_argument('--coco-root', help='the demo COCO set it is made '
                        'from (default: the set\'s, under data/)')
    parser.add_argument('--out-dir', help='default: work_dirs/benchmarks/'
                        'transfer_seg/<set, encoder, mode, source, '
                        'iterations, split>; a rerun continues there')
    add_jobs_argument(parser, 'pretrainings and segmentors')
    parser.add_argument('--smoke', action='store_true',
                        help='a few iterations on a few images (tests)')
    args = parser.parse_args()
    if args.pretrain_iters and not args.pretrain_here:
        parser.error('--pretrain-iters shapes pretraining here: add '
                     '--pretrain-here')
    if args.encoder == 'mobile-former-tiny' and args.set == 'rank':
        parser.error('the rank set has a ViT segmentor config only: give '
                     '--set demo for mobile-former-tiny')
    resolve_source(parser, args, args.encoder)
    return args


def resolve(args) -> dict:
    """Fill the defaults of ``args`` (in place); return the sizes."""
    preset = SETS[args.set]
    sizes = dict(PRETRAIN, seg_iters=preset['seg_iters'],
                 seg_batch=preset['seg_batch'], **preset['data'])
    if args.smoke:
        sizes.update(SMOKE)
    for key in ('pretrain_iters', 'seg_iters'):
        sizes[key] = getattr(args, key) or sizes[key]
    if args.out_dir is None:
        args.out_dir = osp.join(
            ROOT, 'work_dirs/benchmarks/transfer_seg',
            f'{args.set}_{args.encoder}_'
            f'{"frozen" if args.frozen else "ft"}_'
            f'{source_tag(args, sizes["pretrain_iters"])}_'
            f's{sizes["seg_iters"]}_{args.split}'
            + ('_smoke' if args.smoke else ''))
    base = osp.join(args.out_dir, 'data') if args.smoke else ROOT
    args.coco_root = args.coco_root or osp.join(base, preset['coco_root'])
    args.data_root = args.data_root or osp.join(base, preset['data_root'])
    return sizes


def refuse_another_set(coco_root: str, data: dict, name: str) -> None:
    """A demo COCO set at ``coco_root`` of another kind (size, style,
    objects) than ``data`` is an error, not something to rebuild over: the
    128 px set and the 64 px ranking set live in different folders."""
    meta_path = osp.join(coco_root, 'meta.json')
    if not osp.isfile(meta_path):
        return
    with open(meta_path) as f:
        made = json.load(f).get('args', {})
    kind = ('img_size', 'max_objects', 'style', 'object_sides')
    want = dict(dict(img_size=128, max_objects=4, style='photo'),
                **data)  # make_demo_coco's defaults, then the set's
    want['object_sides'] = ([float(v) for v in data['object_sides']]
                            if data.get('object_sides') else None)
    have = dict(made, style=made.get('style', 'photo'),
                object_sides=made.get('object_sides'))
    differ = [k for k in kind if want.get(k) != have.get(k)]
    if differ:
        raise SystemExit(
            f'{coco_root} holds a demo COCO set with other {differ} than '
            f'--set {name} needs ({ {k: have.get(k) for k in differ} } '
            f'against { {k: want.get(k) for k in differ} }): give that '
            f'set\'s own --coco-root and --data-root (or leave both out), '
            f'or another --set.')


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


def train_segmentor(cfg) -> dict:
    """Train one segmentor, then score it with the config's test loop ->
    timings and metrics; its log goes to its work dir's run.log."""
    import finola_mm  # noqa: F401  registers modules (here or in a worker)
    return train_and_test(cfg, osp.join(cfg.work_dir, 'run.log'))


def segmentor_stage(method: str, ckpt, seed: int, args,
                    sizes: dict) -> tuple:
    """One segmentor trained and tested as a stage -> (row, cached)."""
    name = f'{method}_seed{seed}'
    cfg = segmentor_cfg(name, ckpt, seed, args, sizes)
    return config_stage(
        osp.join(cfg.work_dir, 'result.json'),
        lambda: dict(method=method, seed=seed, encoder=args.encoder,
                     frozen=args.frozen, checkpoint=ckpt,
                     **train_segmentor(cfg)),
        json_digest([config_digest(cfg), checkpoint_mtime(ckpt),
                     args.data_set]))


def summarise(runs: list, methods: list) -> dict:
    """Per method: mIoU over seeds with its paired differences (against the
    control and MAE), aAcc, the object classes at 0 IoU, train time; and
    the verdict."""
    rows = seed_rows(runs, methods, lambda r: r['metrics'].get('mIoU'))
    for m, row in rows.items():
        group = [r for r in runs if r['method'] == m]
        row.update(
            aAcc=mean_std([r['metrics'].get('aAcc') for r in group]),
            zero_iou=[r['metrics'].get('diag/objects_zero_iou')
                      for r in group],
            train_s=mean_std([r['train_s'] for r in group]))
    return dict(rows=rows, verdict=verdict(rows, 'mIoU'))


def table_rows(summary: dict) -> tuple:
    head = ['method', 'mIoU', 'per seed', 'Δ vs random (paired)',
            f'Δ vs {BASELINE} (paired)', 'aAcc', 'classes at 0 IoU',
            'train s']
    return head, [
        [m, fmt(r['mean'], 1),
         ' / '.join('-' if v is None else f'{v:.1f}' for v in r['values']),
         fmt(r['delta'], 1, sign=True), fmt(r['delta_mae'], 1, sign=True),
         fmt(r['aAcc'], 1),
         ' / '.join('-' if v is None else f'{v:.0f}' for v in r['zero_iou']),
         fmt(r['train_s'], 0)]
        for m, r in summary['rows'].items()]


def main():
    args = parse_args()
    sizes = resolve(args)
    start = time.perf_counter()
    data = {k: sizes[k] for k in SETS[args.set]['data']}
    refuse_another_set(args.coco_root, data, args.set)
    meta = make_demo_seg(args.data_root, args.coco_root, **data)
    args.data_set = meta['source']  # a result made on another set reruns
    log(f'{args.set} segmentation set {meta["out_dir"]}: '
        f'{meta["summary"]["train"]["images"]} train / '
        f'{meta["summary"][args.split]["images"]} {args.split} images '
        f'scored')
    ckpts = parse_ckpts(args.ckpt)
    methods = list(dict.fromkeys(
        list(ckpts) or args.methods or PRETRAIN_METHODS[args.encoder]))
    per_seed = benchmark_per_seed(args, methods, args.encoder)
    progress = Progress(len(methods) * args.pretrain_here +
                        (1 + len(methods)) * args.seeds)
    if args.pretrain_here:
        for m in methods:
            ckpts[m], cached = pretrain_stage(m, args, sizes)
            progress.step(f'pretrained {m}', cached)
    order = [(seed, m) for seed in range(args.seeds)
             for m in [CONTROL] + methods]
    checkpoint = {(seed, m): per_seed.get((m, seed)) or ckpts.get(m)
                  for seed, m in order}
    args.normalisation = shared_normalisation(
        [c for c in checkpoint.values() if c])
    # --jobs segmentors at once, each in a spawned worker on its share of
    # the cores: one segmentor gains little from a second core
    threads = job_threads(args.jobs)
    done = run_jobs(
        segmentor_stage,
        {(seed, m): (m, checkpoint[seed, m], seed, args, sizes)
         for seed, m in order}, args.jobs, threads, progress,
        lambda k, r: f'segmentor from {k[1]}, seed {k[0]}: mIoU '
        f'{r["metrics"].get("mIoU")}')
    runs = [done[k][0] for k in order]
    summary = summarise(runs, [CONTROL] + methods)

    source = source_line(args, sizes['pretrain_iters'],
                         sizes['pretrain_batch'])
    note = (f'UperNet, {args.encoder}, '
            f'{"frozen" if args.frozen else "fine-tuned"}, {args.set} set '
            f'({SETS[args.set]["px"]} px); {sizes["seg_iters"]} iterations '
            f'of {sizes["seg_batch"]} images, {args.seeds} seed(s); '
            f'encoders: {source}; mIoU / aAcc (%) on '
            f'{meta["summary"][args.split]["images"]} {args.split} images, '
            f'mean ± std over seeds; {args.jobs} job(s) at once, '
            f'{threads} thread(s) each. '
            f'Verdict: {verdict_line(summary["verdict"])}')
    write_report(osp.join(args.out_dir, 'transfer_seg'), dict(main=table(
        f'transfer_seg: {args.encoder}', *table_rows(summary), note)),
        dict(set=args.set, sizes=sizes, split=args.split, source=source,
             from_benchmark=args.from_benchmark,
             normalisation=args.normalisation, jobs=args.jobs,
             threads=threads, runs=runs, **summary), start)
    print('\n' + verdict_line(summary['verdict']))


if __name__ == '__main__':
    main()
