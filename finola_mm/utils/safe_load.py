"""Checkpoints load with ``torch.load(weights_only=True)`` plus an allow-list.

MMEngine 0.10.7 calls ``torch.load`` without ``weights_only``; torch >= 2.6
then refuses the few non-tensor types MMEngine itself writes (its
``HistoryBuffer`` and numpy arrays/scalars in ``message_hub``). We allow
exactly those types instead of setting ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD``,
so a checkpoint from a stranger still cannot run code when unpickled.
"""
import numpy as np
import torch
from mmengine.logging import HistoryBuffer


def mmengine_checkpoint_types() -> list:
    """The globals an MMEngine checkpoint pickles besides tensors/dicts."""
    multiarray = getattr(np, '_core', np.core).multiarray
    dtype_classes = [type(np.dtype(t)) for t in (
        np.float64, np.float32, np.float16, np.int64, np.int32, np.int16,
        np.int8, np.uint8, np.bool_)]
    return [HistoryBuffer, np.ndarray, np.dtype, multiarray._reconstruct,
            multiarray.scalar, *dtype_classes]


def register_safe_globals() -> None:
    """Allow MMEngine's checkpoint types in ``weights_only`` unpickling."""
    torch.serialization.add_safe_globals(mmengine_checkpoint_types())
