"""finola_mm: FINOLA and Masked FINOLA on OpenMMLab.

Importing the package registers its modules in MMPretrain's registries and
allows MMEngine's checkpoint types in ``torch.load(weights_only=True)``.
"""
from .utils import register_safe_globals
from .version import __version__

register_safe_globals()

from . import datasets, engine, evaluation, models  # noqa: E402,F401

__all__ = ['__version__']
