"""A small convolutional decoder: latent map to pixels."""
from typing import Optional, Sequence

from mmcv.cnn import ConvModule
from torch import Tensor, nn


class ResidualBlock(nn.Module):
    """x + conv3x3(conv3x3(x)), channels unchanged."""

    def __init__(self, channels: int, norm_cfg: Optional[dict],
                 act_cfg: dict) -> None:
        super().__init__()
        self.body = nn.Sequential(
            ConvModule(channels, channels, 3, padding=1, norm_cfg=norm_cfg,
                       act_cfg=act_cfg),
            ConvModule(channels, channels, 3, padding=1, norm_cfg=norm_cfg,
                       act_cfg=None))

    def forward(self, x: Tensor) -> Tensor:
        return x + self.body(x)


class ConvDecoder(nn.Module):
    """Upsampling + 3x3 convolutions with residual blocks.

    A 1x1 conv projects C to ``channels[0]``, which works at the latent
    resolution; each further entry doubles the resolution first (nearest
    upsampling, then a 3x3 conv). So (N, C, h, w) becomes
    (N, out_channels, h * 2**k, w * 2**k) with k = len(channels) - 1.

    Args:
        in_channels (int): C of the latent map.
        channels (Sequence[int]): width per resolution level.
        out_channels (int): image channels. Defaults to 3.
        num_res_blocks (int): residual blocks per level. Defaults to 1.
        norm_cfg (dict, optional): norm in the blocks. Defaults to BN.
        act_cfg (dict): activation. Defaults to GELU.
        upsample_norm_act (bool): follow each upsampling 3x3 conv with the
            norm and activation (the plain autoencoder's
            upsample-conv-BN-GELU blocks). Defaults to False: a bare conv,
            the residual blocks carry the non-linearity.
        num_latent_convs (int): 3x3 conv-norm-act layers at the latent
            resolution, after the 1x1 projection: they let neighbouring
            latents mix before upsampling. Defaults to 0.
    """

    def __init__(self,
                 in_channels: int,
                 channels: Sequence[int] = (256, 128, 64),
                 out_channels: int = 3,
                 num_res_blocks: int = 1,
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 act_cfg: dict = dict(type='GELU'),
                 upsample_norm_act: bool = False,
                 num_latent_convs: int = 0) -> None:
        super().__init__()
        if len(channels) < 1:
            raise ValueError('ConvDecoder needs at least one level in '
                             '`channels`, e.g. (256, 128, 64).')
        self.upsample_factor = 2**(len(channels) - 1)
        # 1x1 in: the map is already spatial, and a 3x3 conv from C=2048
        # channels would cost more than the rest of the decoder.
        layers = [nn.Conv2d(in_channels, channels[0], 1)]
        layers += [ConvModule(channels[0], channels[0], 3, padding=1,
                              norm_cfg=norm_cfg, act_cfg=act_cfg)
                   for _ in range(num_latent_convs)]
        for i, width in enumerate(channels):
            if i > 0:
                layers += [nn.Upsample(scale_factor=2, mode='nearest')]
                layers += [ConvModule(channels[i - 1], width, 3, padding=1,
                                      norm_cfg=norm_cfg, act_cfg=act_cfg)
                           if upsample_norm_act else
                           nn.Conv2d(channels[i - 1], width, 3, padding=1)]
            layers += [ResidualBlock(width, norm_cfg, act_cfg)
                       for _ in range(num_res_blocks)]
        if not upsample_norm_act:
            layers += [nn.GELU()]
        layers += [nn.Conv2d(channels[-1], out_channels, 3, padding=1)]
        self.layers = nn.Sequential(*layers)

    def forward(self, z: Tensor) -> Tensor:
        """z (N, C, h, w) -> pixels (N, out_channels, h*f, w*f)."""
        return self.layers(z)
