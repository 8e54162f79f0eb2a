from .gray_to_rgb import GrayToRGB
from .loading import CheckedLoadImageFromFile, LoadImageRGB
from .masking import PatchMaskGenerator, QuadrantMaskGenerator

__all__ = ['CheckedLoadImageFromFile', 'LoadImageRGB', 'GrayToRGB', 'PatchMaskGenerator',
           'QuadrantMaskGenerator']
