"""Benchmark: wall-time overhead of OnlineKNNHook at its config interval.

Trains one 32 px pretraining config twice through tools/train.py, with the
config's OnlineKNNHook and without it, and compares the training loops'
wall time: from the log line that opens the loop ("Checkpoints will be
saved to", after the hooks' before_train) to the one that closes it (the
last checkpoint), so process start-up is out and every kNN pass is in.
Prints a table and writes JSON. Target: overhead <= 10%.

    python tools/benchmarks/online_knn.py                     # ~6 min, 2 CPUs
    python tools/benchmarks/online_knn.py --config CONFIG --iters 1000
    python tools/benchmarks/online_knn.py --runs DIR [DIR ...]   # no training

``--runs`` reads finished pretraining work dirs (e.g. compare_ssl's
``*/pretrain``) instead: the hook times itself (``knn/seconds``), so its
share of each run's training loop is known without a second run.
"""
import argparse
import glob
import json
import os
import os.path as osp
import platform
import subprocess
import sys
import time

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEFAULT = ('configs/masked_pretrain/'
           'masked-finola-e_vit-tiny-p4_1xb64-1k_fmnist-32px.py')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--config', default=DEFAULT)
    parser.add_argument('--iters', type=int, default=1000)
    parser.add_argument('--work-dir', default=osp.join(
        ROOT, 'work_dirs', 'benchmarks', 'online_knn'))
    parser.add_argument('--runs', nargs='+', metavar='WORK_DIR',
                        help='finished runs with the hook to read instead')
    return parser.parse_args()


def from_runs(work_dirs: list) -> list:
    """Per finished run: its loop seconds, the hook's seconds and share."""
    from mmengine.config import Config
    rows = []
    for work_dir in work_dirs:
        cfg = Config.fromfile(osp.join(work_dir, 'config.py'))
        iters = cfg.train_cfg.max_iters
        records = []
        for path in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data',
                                              'scalars.json'))):
            records += [json.loads(line) for line in open(path)]
        knn_s = sum(r['knn/seconds'] for r in records if 'knn/seconds' in r)
        log = open(osp.join(work_dir, 'stdout.log')).read()
        if not knn_s or f'Saving checkpoint at {iters} iterations' not in log:
            continue  # a run without the hook, or one that did not finish
        loop = loop_seconds(osp.join(work_dir, 'stdout.log'), iters)
        rows.append(dict(run=work_dir, iters=iters, loop_s=loop,
                         knn_s=knn_s, overhead=knn_s / (loop - knn_s)))
    return rows


def report_runs(args) -> None:
    rows = from_runs(args.runs)
    if not rows:
        raise SystemExit('none of --runs logged knn/seconds (no hook).')
    print('| run | iterations | training loop s | kNN s | overhead |')
    print('|---|---|---|---|---|')
    for r in rows:
        print(f'| {osp.relpath(r["run"], ROOT)} | {r["iters"]} | '
              f'{r["loop_s"]:.0f} | {r["knn_s"]:.1f} | '
              f'{100 * r["overhead"]:.1f}% |')
    worst = max(r['overhead'] for r in rows)
    print(f'\nlargest overhead {100 * worst:.1f}% (target <= 10%: '
          f'{"met" if worst <= 0.10 else "MISSED"})')
    os.makedirs(args.work_dir, exist_ok=True)
    out = osp.join(args.work_dir, 'online_knn_runs.json')
    with open(out, 'w') as f:
        json.dump(dict(command=' '.join(sys.argv), rows=rows,
                       target_met=worst <= 0.10), f, indent=2)
    print(f'wrote {out}')


def run(cfg_path: str, iters: int, knn: bool, work_dir: str) -> dict:
    from mmengine.config import Config
    cfg = Config.fromfile(cfg_path)
    hooks = cfg.get('custom_hooks', [])
    hook = [h for h in hooks if h['type'] == 'OnlineKNNHook']
    if not hook:
        raise SystemExit(f'{cfg_path} has no OnlineKNNHook in custom_hooks.')
    if not knn:
        cfg.custom_hooks = [h for h in hooks if h['type'] != 'OnlineKNNHook']
    cfg.train_cfg.max_iters = iters
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', by_epoch=False,
                                        interval=iters)
    os.makedirs(work_dir, exist_ok=True)
    cfg.dump(osp.join(work_dir, 'config.py'))
    start = time.perf_counter()
    with open(osp.join(work_dir, 'stdout.log'), 'w') as log:
        code = subprocess.call(
            [sys.executable, osp.join(ROOT, 'tools/train.py'),
             osp.join(work_dir, 'config.py'), '--work-dir', work_dir],
            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    if code:
        raise SystemExit(f'training failed; see {work_dir}/stdout.log')
    path = sorted(glob.glob(osp.join(work_dir, '*', 'vis_data',
                                     'scalars.json')))[-1]
    records = [json.loads(line) for line in open(path)]
    knn = [r for r in records if 'knn/top1' in r]
    loop = loop_seconds(osp.join(work_dir, 'stdout.log'), iters)
    return dict(knn=knn, process_s=time.perf_counter() - start, loop_s=loop,
                interval=hook[0].get('interval', 500),
                knn_s=sum(r['knn/seconds'] for r in knn))


def loop_seconds(log_path: str, iters: int) -> float:
    """Seconds between the log lines that open and close the training loop
    (MMEngine's 'MM/DD HH:MM:SS' stamps, to the second)."""
    import datetime
    stamps = {}
    for line in open(log_path):
        if 'Checkpoints will be saved to' in line:
            stamps['start'] = line[:14]
        elif f'Saving checkpoint at {iters} iterations' in line:
            stamps['end'] = line[:14]
    if len(stamps) != 2:
        raise SystemExit(f'{log_path}: the first or last line of the loop is '
                         f'missing; see the log.')
    t0, t1 = (datetime.datetime.strptime(stamps[k], '%m/%d %H:%M:%S')
              for k in ('start', 'end'))
    return (t1 - t0).total_seconds()


def main():
    args = parse_args()
    if args.runs:
        return report_runs(args)
    off = run(args.config, args.iters, False, osp.join(args.work_dir, 'off'))
    on = run(args.config, args.iters, True, osp.join(args.work_dir, 'on'))
    overhead = on['loop_s'] / off['loop_s'] - 1
    rows = [('without the hook', off), ('with OnlineKNNHook', on)]
    print(f'\n## OnlineKNNHook overhead: {osp.basename(args.config)}, '
          f'{args.iters} iterations, interval {on["interval"]}\n')
    print('| run | training loop s | process s | kNN scores | kNN s |')
    print('|---|---|---|---|---|')
    for name, r in rows:
        print(f'| {name} | {r["loop_s"]:.1f} | {r["process_s"]:.1f} | '
              + (', '.join(f'{k["knn/top1"]:.2f} @ {k["step"]}'
                           for k in r['knn']) or '-')
              + f' | {r["knn_s"]:.1f} |')
    met = overhead <= 0.10
    print(f'\noverhead {100 * overhead:+.1f}% of the training loop '
          f'(target <= 10%: {"met" if met else "MISSED"})')
    out = osp.join(args.work_dir, 'online_knn.json')
    with open(out, 'w') as f:
        json.dump(dict(command=' '.join(sys.argv), config=args.config,
                       iters=args.iters, off=off, on=on, overhead=overhead,
                       target_met=met, machine=dict(
                           platform=platform.platform(),
                           cpus=os.cpu_count())), f, indent=2)
    print(f'wrote {out}')


if __name__ == '__main__':
    main()
