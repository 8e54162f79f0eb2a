"""Say exactly how a checkpoint fails to fit a model."""
import re

from torch import nn


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


def _head(keys: list, n: int) -> str:
    more = f' ... (+{len(keys) - n} more)' if len(keys) > n else ''
    return ', '.join(keys[:n]) + more


def assert_checkpoint_fits(model: nn.Module, checkpoint: dict) -> dict:
    """Return the checkpoint's state dict, or raise listing the mismatch.

    Raises:
        RuntimeError: names the missing, unexpected and shape-mismatched keys
            and how to load such a checkpoint on purpose.
    """
    state = checkpoint.get('state_dict', checkpoint)
    state = {re.sub(r'^module\.', '', k): v for k, v in state.items()}
    diff = state_dict_mismatch(model.state_dict(), state)
    if any(diff.values()):
        meta = checkpoint.get('meta') or {}
        raise RuntimeError(
            f'The checkpoint does not fit {type(model).__name__} of this '
            f'config (saved by {meta.get("experiment_name", "unknown")}).'
            f'\n  missing keys ({len(diff["missing"])}): '
            f'{_head(diff["missing"], 10)}'
            f'\n  unexpected keys ({len(diff["unexpected"])}): '
            f'{_head(diff["unexpected"], 10)}'
            f'\n  shape mismatches ({len(diff["shape"])}): '
            f'{_head(diff["shape"], 5)}'
            '\nUse the config the checkpoint was trained with, or load only '
            'part of it with init_cfg=dict(type="Pretrained", checkpoint=..., '
            'prefix="backbone.").')
    return state
