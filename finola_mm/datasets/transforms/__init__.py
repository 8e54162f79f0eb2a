from .gray_to_rgb import GrayToRGB

__all__ = ['GrayToRGB']
