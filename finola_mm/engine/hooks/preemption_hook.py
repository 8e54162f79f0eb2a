"""Save and stop cleanly when the cluster says stop."""
import os.path as osp
import signal
from typing import Optional, Sequence

import torch
from mmengine.dist import all_reduce, get_world_size, is_main_process
from mmengine.hooks import Hook

from mmpretrain.registry import HOOKS


@HOOKS.register_module()
class PreemptionHook(Hook):
    """On SIGTERM or SIGUSR1, checkpoint the current iteration and exit 0.

    Slurm sends SIGTERM before it kills a preempted or timed-out job
    (``sbatch --signal=B:USR1@120`` sends SIGUSR1 two minutes early). The
    hook lets the running iteration finish, saves ``iter_<k>.pth`` with
    optimizer and scheduler state (atomically, as every checkpoint here),
    points ``last_checkpoint`` at it and exits with code 0, so that
    ``tools/train.py CONFIG --resume`` continues at iteration k + 1 with the
    same data order. With several ranks, all ranks agree on the iteration
    to stop at (one all-reduce of a flag per iteration).

    Args:
        signals (Sequence[str]): the signals to catch.
    """
    priority = 'LOWEST'  # after the iteration's other hooks, guards included

    def __init__(self, signals: Sequence[str] = ('SIGTERM', 'SIGUSR1')):
        self.signals = tuple(signals)
        self.received: Optional[str] = None

    def before_train(self, runner) -> None:
        for name in self.signals:
            signal.signal(getattr(signal, name), self._note)

    def _note(self, signum, frame) -> None:
        self.received = signal.Signals(signum).name

    def _stop_requested(self) -> bool:
        if get_world_size() == 1:
            return self.received is not None
        flag = torch.tensor([float(self.received is not None)])
        all_reduce(flag, op='max')
        return bool(flag.item())

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        if not self._stop_requested():
            return
        name = f'iter_{runner.iter + 1}.pth'
        runner.save_checkpoint(runner.work_dir, name, save_optimizer=True,
                               save_param_scheduler=True, by_epoch=False)
        path = osp.join(runner.work_dir, name)
        if is_main_process():
            with open(osp.join(runner.work_dir, 'last_checkpoint'), 'w') as f:
                f.write(path)
        runner.logger.warning(
            f'{self.received or "a signal on another rank"}: saved {path} '
            f'after iteration {runner.iter + 1} and stopped. Continue with '
            f'tools/train.py CONFIG --resume (same work dir).')
        raise SystemExit(0)
