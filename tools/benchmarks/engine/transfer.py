"""What transfer_det and transfer_seg share: where the encoders come from
(the classification benchmark's checkpoints by default, one start for every
method), the split scored, and the per-seed table with its verdict."""
import argparse
import os
import os.path as osp
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from typing import Callable, Hashable, Optional, Sequence

from .report import mean_std, paired_delta
from .runs import cancel_on_failure, start_worker, usable_cores

CONTROL = 'random-init'
BASELINE = 'mae'  # every row's second paired difference
RANKS_BY = 3  # the gap must exceed this many times the seed spread


def add_source_arguments(parser) -> None:
    """--from-benchmark / --pretrain-here / --ckpt (one of them) and
    --split."""
    source = parser.add_mutually_exclusive_group()
    source.add_argument('--from-benchmark', default='cifar10',
                        choices=('cifar10', 'fmnist'), metavar='DATASET',
                        help='start from the classification benchmark\'s '
                        'checkpoints on DATASET (cifar10, default, or '
                        'fmnist): compare_ssl.py\'s cpu budget, transfer '
                        'seed k from pretraining seed k')
    source.add_argument('--pretrain-here', action='store_true',
                        help='pretrain each method here instead (short runs '
                        'of its Fashion-MNIST config)')
    source.add_argument('--ckpt', nargs='+', metavar='METHOD=PATH',
                        help='pretraining (or backbone-only) checkpoints, '
                        'one per method for every seed')
    parser.add_argument('--split', default='test', choices=('val', 'test'),
                        help='the split scored: test (default, the report) '
                        'or val (every choice; the test images are not '
                        'read)')


def resolve_source(parser, args, encoder: str) -> None:
    """Only one source is active (in place; ``--smoke`` without one
    pretrains here); the normalisation is read later from the checkpoints
    (``shared_normalisation``). A benchmark with no config for ``encoder``
    is a parser error."""
    if args.smoke and not args.ckpt:
        args.pretrain_here = True
    if args.ckpt or args.pretrain_here:
        args.from_benchmark = None
    args.normalisation = None
    if args.from_benchmark:
        from .configs import pretrain_config
        try:
            pretrain_config('masked-finola-b', encoder, args.from_benchmark)
        except ValueError:
            parser.error(f'--from-benchmark {args.from_benchmark}: the '
                         f'classification benchmark has no {encoder} '
                         f'configs on that dataset; give --from-benchmark '
                         f'fmnist, --pretrain-here or --ckpt')


def add_jobs_argument(parser, what: str) -> None:
    """--jobs: how many ``what`` run at once (default 2, 1 on one core);
    anything but a whole number >= 1 is a parser error."""
    def count(value: str) -> int:
        if not value.isdigit() or int(value) < 1:
            raise argparse.ArgumentTypeError(f'{value}: give 1 or more')
        return int(value)

    parser.add_argument('--jobs', type=count, default=min(2, usable_cores()),
                        help=f'{what} run at once, each on cores / jobs '
                        f'threads, where cores are the ones this process '
                        f'may use, or OMP_NUM_THREADS if set (default: 2, '
                        f'1 on one core; one run gains little from a second '
                        f'core, docs/detection_transfer.md)')


def job_threads(jobs: int) -> int:
    """The threads each of ``jobs`` runs gets: with more than one, its
    share of the cores, set as OMP_NUM_THREADS for the processes started
    from here; with one, torch's own in this process."""
    if jobs == 1:
        import torch
        return torch.get_num_threads()
    threads = max(1, usable_cores() // jobs)
    os.environ['OMP_NUM_THREADS'] = str(threads)
    return threads


def run_jobs(stage_fn: Callable, calls: dict, jobs: int, threads: int,
             progress, what: Callable[[Hashable, dict], str]) -> dict:
    """``stage_fn(*calls[key])`` -> (result, cached) for every key ->
    {key: (result, cached)}. With ``jobs`` 1 in this process (its log lines
    in order), else in ``jobs`` spawned workers of ``threads`` threads each
    (``stage_fn`` must be importable). ``progress`` steps with
    ``what(key, result)``. A failed run or Ctrl-C cancels the queued ones;
    finished stages are on disk."""
    done = {}
    if jobs == 1:
        for key, call in calls.items():
            done[key] = stage_fn(*call)
            progress.step(what(key, done[key][0]), done[key][1])
        return done
    with ProcessPoolExecutor(jobs, get_context('spawn'),
                             initializer=start_worker,
                             initargs=(threads, )) as pool, \
            cancel_on_failure(pool):
        futures = {pool.submit(stage_fn, *call): key
                   for key, call in calls.items()}
        for future in as_completed(futures):
            key = futures[future]
            done[key] = future.result()
            progress.step(what(key, done[key][0]), done[key][1])
    return done


def score_once(cfg, args) -> None:
    """A transfer run's config (in place): the checkpoints' input scale
    for every row, its test loop on ``args.split`` (val for a choice: the
    test images are never read) and no validation during training."""
    if args.normalisation:
        cfg.model.data_preprocessor.update(args.normalisation)
    if args.split == 'val':
        cfg.test_dataloader = cfg.val_dataloader
        cfg.test_evaluator = cfg.val_evaluator
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None


def benchmark_per_seed(args, methods: Sequence[str], encoder: str) -> dict:
    """{(method, seed): checkpoint} from --from-benchmark ({} otherwise)."""
    if not args.from_benchmark:
        return {}
    from tools.benchmarks.compare_ssl import benchmark_checkpoints
    return benchmark_checkpoints(args.from_benchmark, methods, args.seeds,
                                 encoder)


def source_line(args, pretrain_iters: int, pretrain_batch: int,
                start: Optional[str] = None) -> str:
    """Where the encoders came from, in words (a table's note)."""
    if args.from_benchmark:
        return (f'the {args.from_benchmark} classification benchmark\'s '
                f'checkpoints (compare_ssl, cpu budget, one start for every '
                f'method; transfer seed k from pretraining seed k)')
    if args.pretrain_here:
        return (f'pretrained here, {pretrain_iters} x {pretrain_batch} on '
                f'Fashion-MNIST' + (f' from the {start} start' if start
                                    else ''))
    return 'given checkpoints (--ckpt), one per method for every seed'


def source_tag(args, pretrain_iters: int) -> str:
    """The out dir's name for the source."""
    return (f'from-{args.from_benchmark}' if args.from_benchmark else
            f'p{pretrain_iters}' if args.pretrain_here else 'ckpt')


def checkpoint_mtime(ckpt: Optional[str]) -> Optional[float]:
    """Recorded with a stage, so a checkpoint rewritten in place reruns
    what was made from it."""
    return osp.getmtime(ckpt) if ckpt else None


def seed_rows(runs: Sequence[dict], methods: Sequence[str],
              value: Callable[[dict], Optional[float]]) -> dict:
    """Per method: the per-seed values, (mean, std), the seed range, and
    the paired per-seed differences against CONTROL and BASELINE."""
    rows = {}
    for m in methods:
        group = sorted((r for r in runs if r['method'] == m),
                       key=lambda r: r['seed'])
        values = [value(r) for r in group]
        present = [v for v in values if v is not None]
        rows[m] = dict(
            seeds=[r['seed'] for r in group], values=values,
            mean=mean_std(values),
            spread=max(present) - min(present) if present else None,
            delta=(None, None) if m == CONTROL else paired_delta(
                runs, m, CONTROL, value, key='method'),
            delta_mae=(None, None) if m in (CONTROL, BASELINE) or
            BASELINE not in methods else paired_delta(
                runs, m, BASELINE, value, key='method'))
    return rows


def verdict(rows: dict, metric: str) -> dict:
    """Whether the best pretrained row's gap to CONTROL exceeds RANKS_BY x
    the larger of the two rows' seed ranges (>= 2 seeds). A row without
    the metric (e.g. a detector that found nothing) is not a candidate."""
    control = rows[CONTROL]['mean'][0]
    best = max((m for m in rows if m != CONTROL
                and rows[m]['mean'][0] is not None),
               key=lambda m: rows[m]['mean'][0], default=None)
    out = dict(metric=metric, control=control, best=best)
    if best is not None and control is not None:
        gap = rows[best]['mean'][0] - control
        spread = max(rows[best]['spread'], rows[CONTROL]['spread'])
        out.update(gap=gap, spread=spread,
                   ranks=len(rows[best]['seeds']) > 1
                   and gap > RANKS_BY * spread)
    return out


def verdict_line(v: dict) -> str:
    """The verdict in one line, as both transfer benchmarks print it."""
    if v['control'] is None:
        return f'no verdict: {CONTROL} has no {v["metric"]}'
    if v.get('best') is None:
        return f'{CONTROL} {v["metric"]} {v["control"]:.1f}'
    return (f'best pretrained: {v["best"]}, gap to {CONTROL} '
            f'{v["gap"]:+.1f} {v["metric"]}; seed spread (the larger '
            f'max-min of the two rows) {v["spread"]:.1f}; ranks (gap > '
            f'{RANKS_BY}x spread, >= 2 seeds): '
            f'{"yes" if v["ranks"] else "no"}; {CONTROL} {v["metric"]} '
            f'{v["control"]:.1f}')
