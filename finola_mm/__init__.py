"""finola_mm: FINOLA and Masked FINOLA on OpenMMLab.

Importing the package registers its modules in MMPretrain's registries and
allows MMEngine's checkpoint types in ``torch.load(weights_only=True)``,
makes MMEngine's local checkpoint loads refuse unsafe or broken files with
errors that name them, and makes its local file writes (checkpoints)
atomic.
"""
from .utils import (register_atomic_local_backend,
                    register_safe_checkpoint_loader, register_safe_globals)
from .version import __version__

register_safe_globals()
register_safe_checkpoint_loader()
register_atomic_local_backend()

from . import datasets, engine, evaluation, models  # noqa: E402,F401

__all__ = ['__version__']
