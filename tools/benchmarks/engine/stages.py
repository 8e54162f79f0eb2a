"""Stages that run once and are read back after an interruption, and
progress lines with an ETA."""
import json
import os
import os.path as osp
import shutil
import time
from typing import Callable, Optional


def log(msg: str) -> None:
    """A timestamped line, flushed (benchmarks run under nohup)."""
    print(f'[{time.strftime("%H:%M:%S")}] {msg}', flush=True)


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


