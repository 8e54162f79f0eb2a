from .psnr import PSNR

__all__ = ['PSNR']
