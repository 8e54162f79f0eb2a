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
import errno
import os.path as osp
import pickle
import re

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


class CheckpointLoadError(RuntimeError):
    """A checkpoint file that cannot or must not be loaded, named with why."""


UNPICKLED_GLOBAL = re.compile(r'GLOBAL ([\w.]+)')
REFUSED_GETATTR = re.compile(r'Refusing (getattr\(.*?\)) while loading')
BROKEN_ZIP = ('PytorchStreamReader', 'zip archive', 'central directory')


def load_checkpoint_file(filename: str, map_location=None):
    """``torch.load(weights_only=True)`` whose errors name the file and never
    advise turning the check off.

    torch's own refusal of a pickle that would call an arbitrary function
    says that loading with the check turned off "will likely succeed",
    which would run that function. Here the refusal names the file and the
    function, says that nothing ran, and gives a safe way on. Empty,
    truncated and non-checkpoint files get their own errors. MMEngine's local
    checkpoint loader is this function once finola_mm is imported, so
    training, resuming, ``init_cfg=Pretrained`` and the tools all use it.
    """
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    if osp.getsize(filename) == 0:
        raise CheckpointLoadError(
            f'{filename} is empty (0 bytes): the save was interrupted or '
            f'the copy failed. Use an earlier checkpoint of the run (its '
            f'work_dir keeps the last ones) or copy the file again.')
    try:
        return torch.load(filename, map_location=map_location,
                          weights_only=True)
    except pickle.UnpicklingError as err:
        text = str(err)
        found = (UNPICKLED_GLOBAL.search(text) or
                 REFUSED_GETATTR.search(text))
        if found:
            raise CheckpointLoadError(
                f'Refused to load {filename}: its pickle calls '
                f'{found.group(1)}, which no checkpoint needs (only tensors, '
                f'containers and MMEngine\'s log types are allowed). Nothing '
                f'in the file was executed. Treat the file as hostile unless '
                f'you know who made it and why. If it is yours, load it in '
                f'the environment that wrote it and save only the weights: '
                f'torch.save({{"state_dict": model.state_dict()}}, path).'
            ) from None
        detail = text.split('WeightsUnpickler error:')[-1].split(
            'Check the documentation')[0].strip()  # not torch's advice
        raise CheckpointLoadError(
            f'{filename} is not a PyTorch checkpoint (unpickling stopped: '
            f'{detail}). Pass the .pth file that tools/train.py wrote. '
            f'Nothing in the file was executed.') from None
    except (EOFError, KeyError) as err:
        raise CheckpointLoadError(
            f'{filename} is not a PyTorch checkpoint or is cut short '
            f'({type(err).__name__}: {err}). Pass the .pth file that '
            f'tools/train.py wrote, or an earlier one of the run.') from None
    except (RuntimeError, OSError) as err:
        # torch's zip reader fails on a cut archive with either, depending on
        # where the cut is (OSError EINVAL when the directory is missing)
        broken = (any(s in str(err) for s in BROKEN_ZIP) if
                  isinstance(err, RuntimeError) else err.errno == errno.EINVAL)
        if not broken:
            raise
        raise CheckpointLoadError(
            f'{filename} is truncated or corrupt: its zip archive cannot be '
            f'read (an interrupted save or copy). Use an earlier checkpoint '
            f'of the run, or copy the file again.') from None


def register_safe_checkpoint_loader() -> None:
    """Make :func:`load_checkpoint_file` MMEngine's loader for local files."""
    from mmengine.runner import CheckpointLoader
    CheckpointLoader.register_scheme(prefixes='', force=True)(
        load_checkpoint_file)
