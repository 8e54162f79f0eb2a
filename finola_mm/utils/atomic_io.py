"""Atomic local writes for MMEngine's file backend: checkpoints survive kills.

MMEngine writes a checkpoint with ``open(path, 'wb').write(...)``; a kill
mid-write leaves a truncated ``iter_N.pth``. Here every local ``put`` and
``put_text`` writes a temporary file beside the target, fsyncs it and
renames it over the target (``os.replace`` is atomic on POSIX), so a reader
sees the old file or the whole new one, never a part.
"""
import os
import os.path as osp
import tempfile
from pathlib import Path
from typing import Union

from mmengine.fileio import LocalBackend, register_backend
from mmengine.fileio import io as mmengine_io


def atomic_write(data: bytes, filepath: Union[str, Path]) -> None:
    """Write ``data`` to ``filepath`` through a temp file and a rename."""
    filepath = str(filepath)
    folder = osp.dirname(osp.abspath(filepath))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder,
                               prefix=f'.{osp.basename(filepath)}.',
                               suffix='.tmp')
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, filepath)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise


class AtomicLocalBackend(LocalBackend):
    """MMEngine's local backend with atomic ``put`` / ``put_text``."""

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        atomic_write(obj, filepath)

    def put_text(self, obj: str, filepath: Union[str, Path],
                 encoding: str = 'utf-8') -> None:
        atomic_write(obj.encode(encoding), filepath)


def register_atomic_local_backend() -> None:
    """Make MMEngine's 'local' backend atomic (idempotent)."""
    register_backend('local', AtomicLocalBackend, force=True, prefixes='')
    # Drop instances of the old class cached by get_file_backend.
    for key, backend in list(mmengine_io.backend_instances.items()):
        if type(backend) is LocalBackend:
            del mmengine_io.backend_instances[key]
