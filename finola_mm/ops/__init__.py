"""Fast kernels behind :mod:`finola_mm.finola` (same maths, less memory)."""
from .finola_line import IMPLS, FINOLALineFunction, grow_line_fused

__all__ = ['IMPLS', 'FINOLALineFunction', 'grow_line_fused']
