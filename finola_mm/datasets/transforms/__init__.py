from .gray_to_rgb import GrayToRGB
from .loading import CheckedLoadImageFromFile
from .masking import PatchMaskGenerator, QuadrantMaskGenerator

__all__ = ['CheckedLoadImageFromFile', 'GrayToRGB', 'PatchMaskGenerator',
           'QuadrantMaskGenerator']
