from .conv_decoder import ConvDecoder
from .finola_neck import FINOLANeck

__all__ = ['ConvDecoder', 'FINOLANeck']
