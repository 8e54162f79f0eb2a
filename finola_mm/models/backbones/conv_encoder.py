"""A plain convolutional encoder: stride-2 conv-BN-GELU blocks."""
from typing import Sequence, Tuple

from mmcv.cnn import ConvModule
from torch import Tensor, nn

from mmpretrain.models.backbones.base_backbone import BaseBackbone
from mmpretrain.registry import MODELS


@MODELS.register_module()
class ConvEncoder(BaseBackbone):
    """``len(channels)`` blocks of 3x3 stride-2 conv, BN and GELU.

    At 32 px with the default widths, (N, 3, 32, 32) -> (N, 128, 4, 4): the
    encoder of the plain autoencoder anchor, and of the Fashion-MNIST FINOLA
    autoencoder, so the two differ only in how the code becomes a map.

    Args:
        in_channels (int): image channels. Defaults to 3.
        channels (Sequence[int]): width of each block. Defaults to
            (32, 64, 128).
        norm_cfg (dict): Defaults to BN.
        act_cfg (dict): Defaults to GELU.
    """

    def __init__(self,
                 in_channels: int = 3,
                 channels: Sequence[int] = (32, 64, 128),
                 norm_cfg: dict = dict(type='BN'),
                 act_cfg: dict = dict(type='GELU'),
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        widths = [in_channels, *channels]
        self.layers = nn.Sequential(*[
            ConvModule(i, o, 3, stride=2, padding=1, norm_cfg=norm_cfg,
                       act_cfg=act_cfg) for i, o in zip(widths, widths[1:])])
        self.out_channels = widths[-1]
        self.downsample = 2**len(channels)

    def forward(self, x: Tensor) -> Tuple[Tensor]:
        """x (N, in, H, W) -> ((N, channels[-1], H/2^L, W/2^L),)."""
        return (self.layers(x), )
