from .block_finola_neck import BlockFINOLANeck
from .conv_decoder import ConvDecoder
from .finola_neck import FINOLANeck
from .linear_bottleneck_neck import LinearBottleneckNeck

__all__ = ['BlockFINOLANeck', 'ConvDecoder', 'FINOLANeck',
           'LinearBottleneckNeck']
