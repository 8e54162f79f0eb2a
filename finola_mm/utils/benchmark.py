"""What every benchmark in tools/benchmarks shares, so that each script reads
as its protocol only: which config a method and encoder use, a schedule
shortened to a budget, training in a subprocess, stages that resume,
progress with an ETA, and the report (mean ± std, markdown, bar chart)."""
import glob
import json
import os
import os.path as osp
import shutil
import statistics
import subprocess
import sys
import threading
import time
from typing import Callable, Optional, Sequence

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
E, B = 'masked-finola-e', 'masked-finola-b'
# encoder -> (its pretraining configs' names, the methods that have one);
# MAE needs a token encoder to drop tokens, so Mobile-Former has none
PRETRAIN_CONFIGS = {
    'vit-tiny-p4': ('{}_vit-tiny-p4_1xb64-1k_fmnist-32px.py',
                    (E, B, 'mae', 'simmim')),
    'mobile-former-tiny': ('{}_mobile-former-tiny_1xb64-1k_fmnist-32px.py',
                           (E, B, 'simmim')),
    'vit-base-p16': ('{}_vit-base-p16_8xb512-coslr-400e_in1k-224px.py',
                     (E, B, 'mae', 'simmim')),
    'mobile-former-508m': (
        '{}_mobile-former-508m_8xb512-coslr-400e_in1k-224px.py',
        (E, B, 'simmim')),
}
PRETRAIN_METHODS = {enc: methods for enc, (_, methods)
                    in PRETRAIN_CONFIGS.items()}


def pretrain_config(method: str, encoder: str) -> str:
    """The absolute path of ``method``'s pretraining config on ``encoder``
    (configs/masked_pretrain/)."""
    if method not in PRETRAIN_METHODS.get(encoder, ()):
        raise ValueError(f'no pretraining config for {method} on {encoder}; '
                         f'there are {PRETRAIN_METHODS}.')
    return osp.join(REPO, 'configs', 'masked_pretrain',
                    PRETRAIN_CONFIGS[encoder][0].format(method))


# ---------------------------------------------------------------- configs
def shorten_schedule(cfg, iters: int, warmup: Optional[int] = None) -> None:
    """Fit ``cfg``'s iteration-based run to ``iters`` in place: every
    iteration-based LR scheduler's begin/end scaled in proportion (or the
    first one, the warm-up, ending at ``warmup``), one validation at the
    end."""
    old = cfg.train_cfg.max_iters
    scheds = [s for s in cfg.get('param_scheduler') or []
              if not s.get('by_epoch', True)]
    for sched in scheds:
        for key in ('begin', 'end'):
            if sched.get(key):
                sched[key] = max(1, round(sched[key] * iters / old))
    if warmup is not None and len(scheds) >= 2:
        scheds[0]['end'] = scheds[1]['begin'] = warmup
        scheds[-1]['end'] = iters
    cfg.train_cfg.update(max_iters=iters, val_interval=iters)


def mask_generator_step(cfg) -> dict:
    """The training pipeline's mask generator (the one step whose type ends
    in 'MaskGenerator'), found by type rather than by position."""
    steps = [t for t in cfg.train_dataloader.dataset.pipeline
             if str(t.get('type', '')).endswith('MaskGenerator')]
    if len(steps) != 1:
        raise SystemExit(f'mask_generator.* options need exactly one '
                         f'*MaskGenerator in the training pipeline, found '
                         f'{len(steps)} (MAE masks inside its backbone: use '
                         f'model.backbone.mask_ratio).')
    return steps[0]


# ---------------------------------------------------------------- running
def run_logged(cmd: Sequence[str], log_path: str, append: bool = False,
               env: Optional[dict] = None) -> float:
    """Run ``cmd`` from the repository root with its output in
    ``log_path``; return its wall seconds, or raise showing the log's tail."""
    os.makedirs(osp.dirname(log_path) or '.', exist_ok=True)
    # OpenMP threads that spin while waiting make a run 10-50x slower
    # whenever another process shares the cores (measured on 2 cores);
    # sleeping costs little when they are idle
    env = dict(os.environ if env is None else env)
    env.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
    start = time.perf_counter()
    with open(log_path, 'a' if append else 'w') as log:
        code = subprocess.call(list(cmd), stdout=log,
                               stderr=subprocess.STDOUT, cwd=REPO, env=env)
    if code != 0:
        with open(log_path) as f:
            tail = ''.join(f.readlines()[-25:])
        raise RuntimeError(f'{" ".join(cmd)} failed (exit {code}); the end '
                           f'of {log_path}:\n{tail}')
    return time.perf_counter() - start


def train_in_subprocess(cfg, work_dir: str,
                        pretrained: Optional[str] = None) -> float:
    """``tools/train.py`` on ``cfg`` (dumped to work_dir/config.py) in its
    own process, resuming any earlier attempt; returns wall seconds."""
    os.makedirs(work_dir, exist_ok=True)
    cfg_file = osp.join(work_dir, 'config.py')
    cfg.dump(cfg_file)
    cmd = [sys.executable, osp.join(REPO, 'tools', 'train.py'), cfg_file,
           '--work-dir', work_dir, '--resume', 'auto']
    if pretrained:
        cmd += ['--pretrained', pretrained]
    return run_logged(cmd, osp.join(work_dir, 'stdout.log'), append=True)


def read_scalars(work_dir: str) -> list:
    """Every record MMEngine logged to vis_data/scalars.json, oldest run
    first (a resumed run has several timestamped folders)."""
    records = []
    for path in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data',
                                          'scalars.json'))):
        with open(path) as f:
            records += [json.loads(line) for line in f if line.strip()]
    return records


def stage(result_file: str, fn: Callable[[], dict],
          current: Optional[Callable[[dict], bool]] = None) -> tuple:
    """(result, cached): ``fn()``'s result, written atomically to
    ``result_file``, or the one an earlier run left there, unless
    ``current(result)`` says that one is outdated (e.g. lacks a metric the
    stage now computes)."""
    if osp.isfile(result_file):
        with open(result_file) as f:
            result = json.load(f)
        if current is None or current(result):
            return result, True
    result = fn()
    with open(result_file + '.tmp', 'w') as f:
        json.dump(result, f, indent=2)
    os.replace(result_file + '.tmp', result_file)
    return result, False


def config_stage(result_file: str, fn: Callable[[], dict],
                 digest: str) -> tuple:
    """:func:`stage` for a training run in ``dirname(result_file)`` whose
    result records ``config_sha256``: a result of another config digest is
    outdated, and its folder is removed first, so that the run does not
    resume from that config's checkpoints."""
    if osp.isfile(result_file):
        with open(result_file) as f:
            if json.load(f).get('config_sha256') != digest:
                shutil.rmtree(osp.dirname(result_file))
    return stage(result_file, lambda: dict(fn(), config_sha256=digest))


class Progress:
    """'[k/n] what; elapsed, ETA' lines; stages read back from an earlier
    run (``cached``) do not count towards the rate."""

    def __init__(self, total: int) -> None:
        self.total, self.done, self.ran = total, 0, 0
        self.start = time.perf_counter()

    def step(self, what: str, cached: bool = False) -> None:
        self.done += 1
        self.ran += not cached
        elapsed = time.perf_counter() - self.start
        eta = elapsed / max(self.ran, 1) * (self.total - self.done)
        print(f'[{time.strftime("%H:%M:%S")}] [{self.done}/{self.total}] '
              f'{what}; elapsed {elapsed / 60:.1f} min, ETA '
              f'{eta / 60:.1f} min', flush=True)


# ---------------------------------------------------------------- report
def mean_std(values: Sequence) -> tuple:
    """(mean, sample std) of the values that are not None; std is None for
    one value, (None, None) for none."""
    values = [v for v in values if v is not None]
    if not values:
        return None, None
    return statistics.fmean(values), (statistics.stdev(values)
                                      if len(values) > 1 else None)


def paired_delta(runs: Sequence[dict], name: str, ref: str,
                 value: Callable[[dict], Optional[float]],
                 key: str = 'name') -> tuple:
    """(mean, std) over seeds of ``value(run)`` for the runs whose ``key``
    is ``name`` minus the ``ref`` run's at the same ``run['seed']``: noise
    shared by a seed cancels. Seeds where either value is None are left
    out."""
    by_seed = {r['seed']: value(r) for r in runs if r[key] == ref}
    return mean_std([value(r) - by_seed[r['seed']] for r in runs
                     if r[key] == name and value(r) is not None
                     and by_seed.get(r['seed']) is not None])


def fmt(pair, digits: int = 2, sign: bool = False) -> str:
    """(mean, std) or a number -> 'mean ± std' ('-' for none); the std is
    shown whenever there are several values, even when it is 0."""
    mean, std = pair if isinstance(pair, (tuple, list)) else (pair, None)
    if mean is None:
        return '-'
    text = f'{mean:+.{digits}f}' if sign else f'{mean:.{digits}f}'
    return text + ('' if std is None else f' ± {std:.{digits}f}')


def markdown_table(head: Sequence[str], rows: Sequence[Sequence]) -> str:
    lines = ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
    lines += ['| ' + ' | '.join(str(c) for c in row) + ' |' for row in rows]
    return '\n'.join(lines)


def bar_chart(labels: Sequence[str], series: dict, path: str, title: str,
              ylabel: str = 'accuracy (%)') -> None:
    """Grouped bars: ``series`` maps a name to one (mean, std) per label."""
    import textwrap

    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    width = 0.8 / len(series)
    fig_width = 1.6 + 1.3 * len(labels)
    fig, ax = plt.subplots(figsize=(fig_width, 4))
    for i, (name, values) in enumerate(series.items()):
        xs = [j + (i - (len(series) - 1) / 2) * width
              for j in range(len(labels))]
        ax.bar(xs, [v[0] or 0 for v in values], width,
               yerr=[v[1] or 0 for v in values], capsize=3, label=name)
    ax.set_xticks(range(len(labels)), labels, rotation=20)
    ax.set_ylabel(ylabel)
    lows = [v[0] for vs in series.values() for v in vs if v[0] is not None]
    ax.set_ylim(max(0, min(lows) - 10), min(100, max(lows) + 5))
    # about 13 characters of 9 pt text per inch: wrap rather than clip
    ax.set_title(textwrap.fill(title, int(13 * fig_width)), fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


# ---------------------------------------------------------------- data
def test_pipeline_images(cfg, test_images: Optional[int] = None,
                         cache: Optional[str] = None) -> tuple:
    """(train, test) uint8 images (N, 3, H, W) of ``cfg``'s test dataset
    through its test pipeline: every training image, the first
    ``test_images`` test images (all if None). ``cache``: a .pt file that
    keeps them between runs."""
    import torch
    from mmengine.registry import init_default_scope

    from mmpretrain.registry import DATASETS
    if cache and osp.isfile(cache):
        return tuple(torch.load(cache, weights_only=True))
    init_default_scope('mmpretrain')
    out = []
    for test_mode, limit in ((False, None), (True, test_images)):
        ds_cfg = dict(cfg.test_dataloader.dataset, test_mode=test_mode)
        ds_cfg.pop('indices', None)
        if limit:
            ds_cfg['indices'] = limit
        ds = DATASETS.build(ds_cfg)
        out.append(torch.stack([ds[i]['inputs'] for i in range(len(ds))]))
    if cache:
        os.makedirs(osp.dirname(cache) or '.', exist_ok=True)
        torch.save(out, cache)
    return tuple(out)


# ---------------------------------------------------------------- transfer
def json_digest(obj) -> str:
    """SHA-256 of ``obj`` as sorted JSON (values JSON lacks as str)."""
    import hashlib
    return hashlib.sha256(json.dumps(obj, sort_keys=True,
                                     default=str).encode()).hexdigest()


def config_digest(cfg) -> str:
    """SHA-256 of a resolved MMEngine config: a cached result records the
    digest of the config it came from, so an edited config file (or one of
    its bases) is noticed instead of read back."""
    return json_digest(cfg.to_dict())


# MMEngine resolves a 'mmpretrain::' base through is_installed, which
# reloads pkg_resources: two threads loading configs at once corrupt it
# (TypeError 'Expected str, Requirement, or Distribution'), so they take
# turns.
CONFIG_LOCK = threading.Lock()


def short_pretrain_config(method: str, encoder: str, iters: int, batch: int,
                          options: Optional[dict] = None):
    """``method``'s pretraining config shortened to ``iters`` (its warm-up
    1/10 of the run, at most 50 iterations, then its cosine to the end),
    then ``options`` ({dotted key: value}, as --cfg-options). Safe to call
    from several threads."""
    from mmengine.config import Config
    with CONFIG_LOCK:
        cfg = Config.fromfile(pretrain_config(method, encoder))
    shorten_schedule(cfg, iters, warmup=max(1, min(50, iters // 10)))
    cfg.default_hooks.checkpoint.interval = iters
    cfg.train_dataloader.update(batch_size=batch, num_workers=0,
                                persistent_workers=False)
    cfg.merge_from_dict(options or {})
    return cfg


def short_pretrain(method: str, encoder: str, iters: int, batch: int,
                   work_dir: str, options: Optional[dict] = None) -> str:
    """A run of :func:`short_pretrain_config` in a subprocess; returns the
    checkpoint."""
    train_in_subprocess(
        short_pretrain_config(method, encoder, iters, batch, options),
        work_dir)
    return osp.join(work_dir, f'iter_{iters}.pth')


def train_and_test(cfg, log_path: str) -> dict:
    """``Runner.train`` then ``Runner.test`` of ``cfg`` in this process, its
    output in ``log_path`` -> train_s, test_s and the test metrics. Each run
    needs its own ``cfg.experiment_name`` and ``cfg.visualizer.name``."""
    import contextlib

    from mmengine.runner import Runner
    os.makedirs(osp.dirname(log_path), exist_ok=True)
    try:
        with open(log_path, 'w') as f, contextlib.redirect_stdout(f), \
                contextlib.redirect_stderr(f):
            runner = Runner.from_cfg(cfg)
            start = time.perf_counter()
            runner.train()
            train_s = time.perf_counter() - start
            metrics = runner.test()
            test_s = time.perf_counter() - start - train_s
    except Exception:
        print(f'  failed; the log: {log_path}', flush=True)
        raise
    metrics = {k: v.item() if hasattr(v, 'item') else v  # numpy -> JSON
               for k, v in metrics.items()}
    return dict(train_s=train_s, test_s=test_s, metrics=metrics)


def parse_ckpts(items: Optional[Sequence[str]]) -> dict:
    """['METHOD=PATH', ...] -> {method: absolute path}, each an existing
    file."""
    ckpts = {}
    for item in items or []:
        method, sep, path = item.partition('=')
        if not sep or not osp.isfile(path):
            raise SystemExit(f'--ckpt {item!r}: expected METHOD=PATH to an '
                             f'existing checkpoint file.')
        ckpts[method] = osp.abspath(path)
    return ckpts
