"""Stop at the first non-finite loss or weight, before it reaches a checkpoint."""
import os.path as osp
from typing import Optional

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmpretrain.registry import HOOKS


def _last_checkpoint(work_dir: str) -> Optional[str]:
    pointer = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(pointer):
        with open(pointer) as f:
            return f.read().strip() or None
    return None


@HOOKS.register_module()
class NonFiniteGuardHook(Hook):
    """Raises ``FloatingPointError`` at the first NaN/Inf loss or parameter.

    It runs after each optimiser step and before :class:`CheckpointHook`
    (priority ABOVE_NORMAL vs VERY_LOW), so the damaged weights are never
    saved: the last good checkpoint stays the newest one, and the message
    names it and how to go on. A NaN gradient shows up here as NaN weights
    after the step (the optimiser has already cleared the gradients).

    Args:
        check_params (bool): also check every parameter after each step
            (one reduction per tensor). Defaults to True.
    """
    priority = 'ABOVE_NORMAL'

    def __init__(self, check_params: bool = True) -> None:
        self.check_params = check_params

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        bad = [k for k, v in (outputs or {}).items()
               if torch.is_tensor(v) and not torch.isfinite(v).all()]
        if not bad and self.check_params:
            model = runner.model.module if is_model_wrapper(
                runner.model) else runner.model
            bad = [n for n, p in model.named_parameters()
                   if not torch.isfinite(p).all()][:5]
        if bad:
            self._stop(runner, bad)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        bad = [k for k, v in checkpoint.get('state_dict', {}).items()
               if torch.is_tensor(v) and v.is_floating_point()
               and not torch.isfinite(v).all()][:5]
        if bad:
            self._stop(runner, bad)

    def _stop(self, runner, names) -> None:
        last = _last_checkpoint(runner.work_dir)
        keep = (f'The last good checkpoint, {last}, is kept unchanged; '
                f'continue from it with --resume {last}' if last else
                'No checkpoint was saved before it; restart the run')
        raise FloatingPointError(
            f'Non-finite values at iteration {runner.iter + 1} in '
            f'{", ".join(names)}. Training stopped before saving. {keep} '
            f'after lowering the learning rate or adding gradient clipping '
            f'(optim_wrapper.clip_grad=dict(max_norm=1.0)).')
