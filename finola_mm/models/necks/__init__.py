from .block_finola_neck import BlockFINOLANeck
from .conv_decoder import ConvDecoder
from .finola_neck import FINOLANeck

__all__ = ['BlockFINOLANeck', 'ConvDecoder', 'FINOLANeck']
