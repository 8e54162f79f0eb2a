"""Refuse a checkpoint whose weights do not fit the model."""
import re

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmpretrain.registry import HOOKS


def state_dict_mismatch(model_state: dict, ckpt_state: dict) -> dict:
    """Missing, unexpected and shape-mismatched keys between two states."""
    missing = sorted(set(model_state) - set(ckpt_state))
    unexpected = sorted(set(ckpt_state) - set(model_state))
    shapes = sorted(
        f'{k}: checkpoint {tuple(ckpt_state[k].shape)} vs model '
        f'{tuple(model_state[k].shape)}' for k in set(model_state)
        & set(ckpt_state) if hasattr(ckpt_state[k], 'shape')
        and tuple(ckpt_state[k].shape) != tuple(model_state[k].shape))
    return dict(missing=missing, unexpected=unexpected, shape=shapes)


def _head(keys: list, n: int = 10) -> str:
    more = f' ... (+{len(keys) - n} more)' if len(keys) > n else ''
    return ', '.join(keys[:n]) + more


@HOOKS.register_module()
class CheckpointCompatibilityHook(Hook):
    """Fail fast, listing keys, when ``load_from``/``resume`` does not fit.

    MMEngine's own loading only warns and goes on with random weights where
    names differ, which turns a wrong checkpoint into a silent bad run.
    """
    priority = 'VERY_HIGH'

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        state = checkpoint.get('state_dict', checkpoint)
        state = {re.sub(r'^module\.', '', k): v for k, v in state.items()}
        diff = state_dict_mismatch(model.state_dict(), state)
        if any(diff.values()):
            meta = checkpoint.get('meta', {}) or {}
            raise RuntimeError(
                f'The checkpoint does not fit {type(model).__name__} of this '
                f'config (saved by {meta.get("experiment_name", "unknown")}).'
                f'\n  missing keys ({len(diff["missing"])}): '
                f'{_head(diff["missing"])}'
                f'\n  unexpected keys ({len(diff["unexpected"])}): '
                f'{_head(diff["unexpected"])}'
                f'\n  shape mismatches ({len(diff["shape"])}): '
                f'{_head(diff["shape"], 5)}'
                '\nUse the config the checkpoint was trained with, or load '
                'only part of it with init_cfg=dict(type="Pretrained", '
                'checkpoint=..., prefix="backbone.").')
