"""Checkpoints load with ``torch.load(weights_only=True)`` plus an allow-list.

MMEngine 0.10.7 calls ``torch.load`` without ``weights_only``; torch >= 2.6
then refuses the few non-tensor types MMEngine itself writes: its
``HistoryBuffer`` and numpy arrays/scalars in ``message_hub``. We allow
exactly those types instead of turning weights-only loading off (by env var),
so a checkpoint from a stranger still cannot run code when unpickled.

One more: ``HistoryBuffer.__getstate__`` pickles its statistics methods as
``getattr(HistoryBuffer, 'min')``. Allowing ``builtins.getattr`` itself would
reopen code execution (``getattr(np.ndarray, 'tofile')``), so the pickle's
``getattr`` is bound to :func:`history_buffer_getattr`, which resolves only
those methods.
"""
import pickle

import numpy as np
import torch
from mmengine.logging import HistoryBuffer

HISTORY_BUFFER_STATISTICS = ('min', 'max', 'current', 'mean')


def history_buffer_getattr(obj, name: str):
    """``getattr`` for unpickling, limited to HistoryBuffer's statistics."""
    if obj is HistoryBuffer and name in HISTORY_BUFFER_STATISTICS:
        return getattr(obj, name)
    raise pickle.UnpicklingError(
        f'Refusing getattr({obj!r}, {name!r}) while loading a checkpoint: '
        f'only HistoryBuffer statistics may be looked up. The file was not '
        f'written by MMEngine, or was tampered with.')


def mmengine_checkpoint_types() -> list:
    """The globals an MMEngine checkpoint pickles besides tensors/dicts."""
    multiarray = np._core.multiarray if hasattr(np, '_core') \
        else np.core.multiarray
    dtype_classes = [type(np.dtype(t)) for t in (
        np.float64, np.float32, np.float16, np.int64, np.int32, np.int16,
        np.int8, np.uint8, np.bool_)]
    return [HistoryBuffer, np.ndarray, np.dtype, multiarray._reconstruct,
            multiarray.scalar, *dtype_classes,
            (history_buffer_getattr, 'builtins.getattr')]


def register_safe_globals() -> None:
    """Allow MMEngine's checkpoint types in ``weights_only`` unpickling."""
    torch.serialization.add_safe_globals(mmengine_checkpoint_types())
