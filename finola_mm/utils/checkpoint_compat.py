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


def assert_backbone_fits(backbone: nn.Module, checkpoint: str,
                         prefix: str = 'backbone.') -> None:
    """Raise, listing keys, unless ``checkpoint`` holds every backbone weight.

    For ``init_cfg=dict(type='Pretrained', prefix=...)``, which MMEngine
    loads with ``strict=False``: a checkpoint of another encoder would only
    warn and leave random weights. Keys the backbone lacks (pretraining-only
    parts such as a mask token) are fine; missing or mis-shaped ones are not.
    """
    from mmengine.runner import CheckpointLoader
    ckpt = CheckpointLoader.load_checkpoint(checkpoint, map_location='cpu')
    state = ckpt.get('state_dict', ckpt)
    state = {re.sub(r'^module\.', '', k): v for k, v in state.items()}
    sub = {k[len(prefix):]: v for k, v in state.items()
           if k.startswith(prefix)}
    if not sub:
        raise RuntimeError(
            f'{checkpoint} has no weights under the prefix {prefix!r} (its '
            f'keys start {_head(sorted(state), 3)}). Pass a pretraining '
            'checkpoint or one from tools/model_converters/'
            'extract_backbone.py, or set init_cfg.prefix to match.')
    # load_state_dict runs the backbone's own load hooks (e.g. ViT resizes
    # pos_embed, drops a class-token slot); the weights are those that
    # init_weights just loaded, so loading them again changes nothing.
    try:
        missing = backbone.load_state_dict(sub, strict=False).missing_keys
        shapes = []
    except RuntimeError as err:  # size mismatches
        missing, shapes = [], [ln.strip() for ln in str(err).splitlines()
                               if 'size mismatch' in ln]
    if missing or shapes:
        raise RuntimeError(
            f'{checkpoint} does not fit the {type(backbone).__name__} '
            f'backbone of this config under prefix {prefix!r}.'
            f'\n  missing keys ({len(missing)}): {_head(sorted(missing), 10)}'
            f'\n  shape mismatches ({len(shapes)}): {_head(shapes, 5)}'
            '\nPretrain with the same encoder (arch, patch and image size) '
            'as this config, or point it at a matching checkpoint.')
