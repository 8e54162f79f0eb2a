"""Mobile-Former backbones for masked-image pretraining.

Both subclass :class:`MobileFormer` and add at most parameters of their own
(SimMIM's ``mask_token``), so a pretrained checkpoint loads into the plain
backbone with ``init_cfg=dict(type='Pretrained', prefix='backbone.')``.
"""
from typing import Optional

import torch
from mmengine.model.weight_init import trunc_normal_
from mmpretrain.registry import MODELS
from torch import Tensor, nn

from ..utils.masks import VisibleBox, upsample_mask, visible_box
from .mobile_former import MobileFormer


def _check_mask(mask: Tensor, x: Tensor, name: str) -> None:
    if mask.dim() != 3 or mask.shape[0] != x.shape[0]:
        raise ValueError(f'{name} expects a mask of shape (N, h, w) with '
                         f'N={x.shape[0]}, got {tuple(mask.shape)}.')


@MODELS.register_module()
class SimMIMMobileFormer(MobileFormer):
    """MobileFormer for SimMIM: masked positions get a learned mask token.

    As in :class:`mmpretrain.models.SimMIMSwinTransformer`, masking replaces
    features, not pixels: right after the stem (stride 2) every masked
    position becomes ``mask_token``, (1, C_stem, 1, 1). The 3x3 stem conv
    next to a patch border still sees one masked pixel row or column; what
    the stages receive at masked positions carries no image content.

    Args:
        *args, **kwargs: the arguments of :class:`MobileFormer`.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.mask_token = nn.Parameter(torch.zeros(1, self.stem_channels, 1,
                                                   1))
        trunc_normal_(self.mask_token, std=.02)

    def forward(self, x: Tensor, mask: Optional[Tensor] = None) -> tuple:
        """Encode images with masked stem positions.

        Args:
            x (Tensor): images (N, C, H, W).
            mask (Tensor, optional): (N, h, w), 1 = masked, on a patch grid
                that divides the stem map (H/2, W/2). None: plain forward.

        Returns:
            tuple[Tensor]: maps (N, C_i, H/s_i, W/s_i) for ``out_indices``.
        """
        x = self.stem(x)
        if mask is not None:
            x = self.mask_stem(x, mask)
        return self.forward_stages(x)

    def mask_stem(self, x: Tensor, mask: Tensor) -> Tensor:
        """Stem map (N, C, H', W'), mask (N, h, w) -> the map, masked."""
        _check_mask(mask, x, type(self).__name__)
        H, W = x.shape[-2:]
        h, w = mask.shape[-2:]
        if H % h or W % w:
            raise ValueError(
                f'{type(self).__name__}: the mask grid {h}x{w} does not '
                f'divide the stem map {H}x{W} (input {2 * H}x{2 * W}, stem '
                f'stride 2). Set the mask generator\'s model_patch_size to a '
                f'multiple of 2 that divides the input, e.g. 32 (the '
                f'encoder\'s last stride).')
        m = upsample_mask(mask, (H, W)).to(x.dtype)  # (N, 1, H', W')
        return x * (1 - m) + self.mask_token * m


@MODELS.register_module()
class BlockMaskedMobileFormer(MobileFormer):
    """MobileFormer that encodes only the visible block of the image.

    For block-wise masking (Masked FINOLA): the visible cells of the mask
    form one rectangle; the image is cropped to it in pixels and only the
    crop is encoded, so the encoder never sees masked pixels (their
    gradient is exactly zero). No parameters of its own.

    Args:
        *args, **kwargs: the arguments of :class:`MobileFormer`.
    """

    def forward(self, x: Tensor, mask: Optional[Tensor] = None,
                box: Optional[VisibleBox] = None) -> tuple:
        """Encode the visible block of each image.

        Args:
            x (Tensor): images (N, C, H, W).
            mask (Tensor, optional): (N, h, w), 1 = masked, with H % h == 0
                and W % w == 0; the visible cells one rectangle of
                (hv, wv) cells in every sample. None: plain forward.
            box (VisibleBox, optional): :func:`visible_box` of the mask, if
                the caller has computed it.

        Returns:
            tuple[Tensor]: maps (N, C_i, hv*H/h/s_i, wv*W/w/s_i) for
            ``out_indices``.
        """
        if mask is not None:
            x = self.crop_visible(x, mask, box)
        return super().forward(x)

    def crop_visible(self, x: Tensor, mask: Tensor,
                     box: Optional[VisibleBox] = None) -> Tensor:
        """Images (N, C, H, W) -> the visible block (N, C, hv*sy, wv*sx)."""
        _check_mask(mask, x, type(self).__name__)
        (H, W), (h, w) = x.shape[-2:], mask.shape[-2:]
        if H % h or W % w:
            raise ValueError(f'{type(self).__name__}: the mask grid {h}x{w} '
                             f'does not divide the image {H}x{W}.')
        sy, sx = H // h, W // w  # pixels per mask cell
        top, left, height, width = visible_box(mask) if box is None else box
        hp, wp = height * sy, width * sx
        if (top == top[0]).all() and (left == left[0]).all():
            y0, x0 = int(top[0]) * sy, int(left[0]) * sx
            return x[:, :, y0:y0 + hp, x0:x0 + wp]
        return torch.stack([  # per-sample boxes of one size
            img[:, t * sy:t * sy + hp, c * sx:c * sx + wp]
            for img, t, c in zip(x, top.tolist(), left.tolist())
        ])
