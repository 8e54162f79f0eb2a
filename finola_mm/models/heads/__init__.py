from .reconstruction_head import PixelReconstructionHead

__all__ = ['PixelReconstructionHead']
