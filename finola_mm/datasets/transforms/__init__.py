from .gray_to_rgb import GrayToRGB
from .masking import PatchMaskGenerator, QuadrantMaskGenerator

__all__ = ['GrayToRGB', 'PatchMaskGenerator', 'QuadrantMaskGenerator']
