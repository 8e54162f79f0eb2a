"""The plain autoencoder's neck: the anchor that FINOLA must match."""
from typing import Optional, Sequence, Union

from mmengine.model import BaseModule
from torch import Tensor, nn

from mmpretrain.registry import MODELS
from ..utils import LinearPool
from .conv_decoder import ConvDecoder
from .finola_neck import _pair, check_decoder_fit


@MODELS.register_module()
class LinearBottleneckNeck(BaseModule):
    """Features -> k-dim code -> Linear to a (c, h, w) map -> pixels.

    The same pool and decoder as :class:`FINOLANeck` with ``pool='linear'``,
    but the map comes from a free Linear layer (a weight and a bias per
    position) instead of FINOLA growth from one vector: the plain
    convolutional autoencoder with a k-dim bottleneck.

    Args:
        in_channels (int): channels of the backbone's last output.
        feat_size (int | tuple): (h, w) of that output.
        bottleneck (int): k, the code size (compare with FINOLA's M*C).
        latent_channels (int): channels of the decoded map. Defaults to 128.
        latent_size (int | tuple): (h, w) of the map. Defaults to 4.
        img_size (int | tuple): image size. Defaults to 32.
        decoder_channels (Sequence[int]): widths of :class:`ConvDecoder`.
        out_channels (int): image channels. Defaults to 3.
        decoder_cfg (dict): other options of :class:`ConvDecoder`.
    """

    def __init__(self,
                 in_channels: int,
                 feat_size: Union[int, Sequence[int]],
                 bottleneck: int,
                 latent_channels: int = 128,
                 latent_size: Union[int, Sequence[int]] = 4,
                 img_size: Union[int, Sequence[int]] = 32,
                 decoder_channels: Sequence[int] = (128, 64, 32, 32),
                 out_channels: int = 3,
                 decoder_cfg: dict = dict(),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.latent_size, self.img_size = _pair(latent_size), _pair(img_size)
        check_decoder_fit(self.latent_size, self.img_size, decoder_channels)
        self.pool = LinearPool(in_channels, bottleneck, feat_size)
        self.latent_channels = latent_channels
        h, w = self.latent_size
        self.expand = nn.Linear(bottleneck, latent_channels * h * w)
        self.decoder = ConvDecoder(latent_channels, decoder_channels,
                                   out_channels, **decoder_cfg)

    def grow_latent(self, feats) -> Tensor:
        """Backbone outputs -> the (N, c, h, w) map the decoder reads."""
        code = self.pool(feats[-1])                       # (N, k)
        return self.expand(code).view(len(code), self.latent_channels,
                                      *self.latent_size)

    def forward(self, feats, mask: Optional[Tensor] = None) -> Tensor:
        """Backbone outputs -> reconstructed pixels (N, out, H, W)."""
        return self.decoder(self.grow_latent(feats))
