"""Training runs: tools/train.py in a subprocess (resuming), a Runner in
this process, the scalars MMEngine logged, a test set through its pipeline,
and the cores several runs at once share."""
import contextlib
import glob
import json
import os
import os.path as osp
import subprocess
import sys
import time
from typing import Optional, Sequence

from .configs import REPO, short_pretrain_config


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


def test_pipeline_images(cfg, test_images: Optional[int] = None,
                         cache: Optional[str] = None) -> tuple:
    """(train, test) uint8 images (N, 3, H, W) through ``cfg``'s test
    pipeline: the training images its train loader reads (its split), and
    the test images, the first ``test_images`` of them round-robin over
    classes (all if None). ``cache``: a .pt file that keeps them between
    runs."""
    import torch
    from mmengine.registry import init_default_scope

    from finola_mm.evaluation.knn import eval_loader
    if cache and osp.isfile(cache):
        return tuple(torch.load(cache, weights_only=True))
    init_default_scope('mmpretrain')
    out = []
    for test_mode, limit in ((False, None), (True, test_images)):
        ds = eval_loader(cfg, test_mode, limit).dataset
        out.append(torch.stack([ds[i]['inputs'] for i in range(len(ds))]))
    if cache:
        os.makedirs(osp.dirname(cache) or '.', exist_ok=True)
        torch.save(out, cache)
    return tuple(out)


def usable_cores() -> int:
    """The cores this process may run on (a cpuset or taskset limits
    them), or OMP_NUM_THREADS when it is a plain number."""
    omp = os.environ.get('OMP_NUM_THREADS', '')
    if omp.isdigit() and int(omp) > 0:
        return int(omp)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@contextlib.contextmanager
def cancel_on_failure(pool):
    """On a failed run or Ctrl-C inside the block, cancel the runs still
    queued in ``pool`` (else its exit would run them all before the error
    shows). Finished stages are on disk already."""
    try:
        yield
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise


PR_SET_PDEATHSIG, PR_GET_PDEATHSIG = 1, 2  # linux/prctl.h


def start_worker(threads: int) -> None:
    """A pool worker's start: its share of the cores, and (Linux) killed
    when the benchmark that started it dies, so that a killed benchmark
    leaves no orphan training on beside its rerun."""
    import ctypes
    import signal

    import torch
    torch.set_num_threads(threads)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG,
                                                 signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the orphan finishes
        pass


def parent_death_signal() -> int:
    """The signal this process gets when its parent dies (0: none)."""
    import ctypes
    sig = ctypes.c_int(0)
    ctypes.CDLL(None).prctl(PR_GET_PDEATHSIG, ctypes.byref(sig))
    return sig.value
