"""The FINOLA neck: backbone features -> q -> FINOLA latent map -> pixels.

Used by the autoencoder and by element-wise Masked FINOLA.
"""
from typing import Optional, Sequence, Tuple, Union

from mmengine.model import BaseModule
from torch import Tensor

from mmpretrain.registry import MODELS
from finola_mm.finola import FINOLA
from ..utils import AttentionPool, LinearPool
from .conv_decoder import ConvDecoder


def _pair(size: Union[int, Sequence[int]]) -> Tuple[int, int]:
    return (size, size) if isinstance(size, int) else tuple(size)


def check_decoder_fit(latent_size: Tuple[int, int], img_size: Tuple[int, int],
                      decoder_channels: Sequence[int]) -> None:
    factor = 2**(len(decoder_channels) - 1)
    decoded = tuple(s * factor for s in latent_size)
    if decoded != tuple(img_size):
        raise ValueError(
            f'Image size {tuple(img_size)} does not fit the decoder: a '
            f'{tuple(latent_size)} latent map upsampled {factor}x gives '
            f'{decoded}. Set img_size to {decoded}, or pick latent_size '
            f'and decoder_channels (one entry per 2x) so that latent_size'
            f' * 2**(len(decoder_channels)-1) equals the image size.')


@MODELS.register_module()
class FINOLANeck(BaseModule):
    """Pool the encoder's last feature map to q, grow it with FINOLA, decode.

    Args:
        in_channels (int): channels of the backbone's last output.
        channels (int): C, channels of one FINOLA path and of the map.
        num_paths (int): M, paths sharing A and B; q has M*C entries.
            Defaults to 1.
        latent_size (int | tuple): (h, w) of the grown map. Defaults to 8.
        img_size (int | tuple): (H, W) of the images; must equal
            latent_size * 2**(len(decoder_channels) - 1). Defaults to 32.
        decoder_channels (Sequence[int]): widths of :class:`ConvDecoder`.
        out_channels (int): image channels. Defaults to 3.
        pool (str): how features become q: 'attention'
            (:class:`AttentionPool`, any feature size) or 'linear' (flatten
            + Linear, :class:`LinearPool`; needs ``feat_size``). Defaults to
            'attention'.
        feat_size (int | tuple, optional): (h, w) of the backbone's last
            output, for ``pool='linear'``.
        pool_heads (int): heads of the attention pool. Defaults to 8.
        pool_queries (int, optional): queries of the attention pool;
            defaults to ceil(M*C / in_channels) (see :class:`AttentionPool`).
        consistency_weight (float): weight of
            :func:`finola_mm.finola.wave_consistency_loss`, which pulls the
            map toward solving both equations at every position (path
            independence). 0 (default) adds no loss.
        finola_cfg (dict): options of :class:`finola_mm.finola.FINOLA`
            (negative_steps, axis_order, aggregation, eps, init_std).
        decoder_cfg (dict): other options of :class:`ConvDecoder`.
    """

    def __init__(self,
                 in_channels: int,
                 channels: int,
                 num_paths: int = 1,
                 latent_size: Union[int, Sequence[int]] = 8,
                 img_size: Union[int, Sequence[int]] = 32,
                 decoder_channels: Sequence[int] = (256, 128, 64),
                 out_channels: int = 3,
                 pool: str = 'attention',
                 feat_size: Optional[Union[int, Sequence[int]]] = None,
                 pool_heads: int = 8,
                 pool_queries: Optional[int] = None,
                 consistency_weight: float = 0.,
                 finola_cfg: dict = dict(),
                 decoder_cfg: dict = dict(),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.latent_size, self.img_size = _pair(latent_size), _pair(img_size)
        check_decoder_fit(self.latent_size, self.img_size, decoder_channels)
        self.finola = FINOLA(channels, num_paths, **finola_cfg)  # checks C, M
        if pool == 'attention':
            self.pool = AttentionPool(in_channels, channels * num_paths,
                                      pool_heads, pool_queries)
        elif pool == 'linear' and feat_size is not None:
            self.pool = LinearPool(in_channels, channels * num_paths,
                                   feat_size)
        else:
            raise ValueError(
                f'FINOLANeck pool must be "attention" or "linear" (with '
                f'feat_size, the backbone output\'s (h, w)); got '
                f'pool={pool!r}, feat_size={feat_size!r}.')
        self.consistency_weight = consistency_weight
        self.decoder = ConvDecoder(channels, decoder_channels, out_channels,
                                   **decoder_cfg)

    def grow_latent(self, feats: Tuple[Tensor, ...]) -> Tensor:
        """Backbone outputs -> FINOLA latent map (N, C, h, w)."""
        q = self.pool(feats[-1])                          # (N, M*C)
        return self.finola(q, *self.latent_size)          # (N, C, h, w)

    def grow_paths(self, feats: Tuple[Tensor, ...]) -> Tensor:
        """Backbone outputs -> the M single-path maps (N, M, C, h, w)."""
        return self.finola.grow_paths(self.pool(feats[-1]),
                                      *self.latent_size)

    def loss_and_predict(self, feats: Tuple[Tensor, ...]):
        """Backbone outputs -> (pixels (N, out, H, W), extra losses dict).

        The extra losses hold ``loss_wave`` when ``consistency_weight`` > 0.
        """
        if not self.consistency_weight:
            return self.forward(feats), {}
        paths = self.grow_paths(feats)                    # (N, M, C, h, w)
        wave = self.finola.consistency_loss(paths.flatten(0, 1))
        pred = self.decoder(self.finola.aggregate(paths))
        return pred, dict(loss_wave=self.consistency_weight * wave)

    def forward(self, feats: Tuple[Tensor, ...],
                mask: Optional[Tensor] = None) -> Tensor:
        """Backbone outputs -> reconstructed pixels (N, out, H, W).

        ``mask`` is unused: element-wise Masked FINOLA regrows the whole map
        from q whatever was masked.
        """
        return self.decoder(self.grow_latent(feats))
