"""Block-wise Masked FINOLA neck: a visible quadrant's features -> pixels."""
from typing import Optional, Sequence, Tuple, Union

import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmpretrain.registry import MODELS
from finola_mm.finola import FINOLA
from ..utils.masks import VisibleBox, visible_box
from .conv_decoder import ConvDecoder
from .finola_neck import _pair, check_decoder_fit


@MODELS.register_module()
class BlockFINOLANeck(BaseModule):
    """Project the visible block to M*C latents, grow the three masked
    quadrants with FINOLA steps (:func:`finola_mm.finola.complete_quadrants`)
    and decode the full map.

    Args:
        in_channels (int): channels of the backbone's visible-block map.
        channels (int): C of one FINOLA path.
        num_paths (int): M; each position's M*C latent is split into M paths
            that share A and B and are summed. Defaults to 1.
        latent_size (int | tuple): (h, w) of the full latent map; must be
            even. The visible block is resized (bilinear) to (h/2, w/2) when
            the encoder's block map has another size. Defaults to 8.
        img_size (int | tuple): image (H, W); must equal latent_size *
            2**(len(decoder_channels) - 1). Defaults to 32.
        decoder_channels (Sequence[int]): widths of :class:`ConvDecoder`.
        out_channels (int): image channels. Defaults to 3.
        finola_cfg (dict): options of :class:`finola_mm.finola.FINOLA`;
            ``axis_order`` sets the diagonal quadrant's path ('xy': x then y).
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
                 finola_cfg: dict = dict(),
                 decoder_cfg: dict = dict(),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.latent_size, self.img_size = _pair(latent_size), _pair(img_size)
        if any(s % 2 for s in self.latent_size):
            raise ValueError(
                f'Block-wise Masked FINOLA splits the latent map into 2x2 '
                f'quadrants, so latent_size must be even; got '
                f'{self.latent_size}. Use an even latent_size (and adjust '
                f'img_size or decoder_channels to match).')
        check_decoder_fit(self.latent_size, self.img_size, decoder_channels)
        self.finola = FINOLA(channels, num_paths, **finola_cfg)  # checks C, M
        self.proj = nn.Conv2d(in_channels, channels * num_paths, 1)
        self.decoder = ConvDecoder(channels, decoder_channels, out_channels,
                                   **decoder_cfg)

    block_wise = True  # the algorithm computes the visible box once for it

    def grow_latent(self, feats: Tuple[Tensor, ...], mask: Tensor,
                    box: Optional[VisibleBox] = None) -> Tensor:
        """Visible block (N, D, h', w') + mask (N, h_m, w_m) -> (N, C, h, w).

        ``box``: :func:`visible_box` of the mask, if the caller has it.
        """
        if mask is None:
            raise ValueError('BlockFINOLANeck needs the quadrant mask; the '
                             'pipeline must pack one (QuadrantMaskGenerator).')
        half = (self.latent_size[0] // 2, self.latent_size[1] // 2)
        block = self.proj(feats[-1])                      # (N, M*C, h', w')
        if block.shape[-2:] != half:
            block = F.interpolate(block, half, mode='bilinear',
                                  align_corners=False)
        box = visible_box(mask) if box is None else box
        quadrants = box.quadrants(mask.shape[-2:])        # (N, 2)
        out = None
        for quadrant in quadrants.unique(dim=0):          # <= 4 groups
            rows = (quadrants == quadrant).all(1)
            grown = self.finola.complete_block(block[rows],
                                               tuple(quadrant.tolist()))
            if out is None:                               # dtype under AMP
                out = grown.new_empty(block.shape[0], *grown.shape[1:])
            out[rows] = grown
        return out

    def forward(self, feats: Tuple[Tensor, ...], mask: Tensor,
                box: Optional[VisibleBox] = None) -> Tensor:
        """Backbone outputs + mask -> pixels (N, out, H, W)."""
        return self.decoder(self.grow_latent(feats, mask, box))
