"""Pixel reconstruction head: builds the target, calls a registered loss."""
from typing import Optional

from mmengine.model import BaseModule
from torch import Tensor

from mmpretrain.registry import MODELS
from ..utils.masks import upsample_mask


def patch_stats(img: Tensor, patch_size: int, eps: float = 1e-6):
    """Per-patch mean and std over p*p*channels values (MAE's norm_pix),
    each broadcast back to (N, 3, H, W)."""
    N, C, H, W = img.shape
    p = patch_size
    patches = img.reshape(N, C, H // p, p, W // p, p)
    mean = patches.mean(dim=(1, 3, 5), keepdim=True)
    std = (patches.var(dim=(1, 3, 5), keepdim=True) + eps).sqrt()
    return (mean.expand_as(patches).reshape(N, C, H, W),
            std.expand_as(patches).reshape(N, C, H, W))


@MODELS.register_module()
class PixelReconstructionHead(BaseModule):
    """Loss between a reconstructed image and the (normalised) input image.

    Args:
        loss (dict): a registered loss taking (pred, target, mask); its
            ``criterion`` picks L1 or L2. Defaults to MMPretrain's
            ``PixelReconstructionLoss`` with L2.
        norm_pix (bool): normalise the target per patch (MAE's ``norm_pix``;
            mean and std over each patch's pixels and channels). Defaults to
            False.
        patch_size (int): patch size for ``norm_pix``. Defaults to 4.
    """

    def __init__(self,
                 loss: dict = dict(type='PixelReconstructionLoss',
                                   criterion='L2'),
                 norm_pix: bool = False,
                 patch_size: int = 4,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.loss_module = MODELS.build(loss)
        self.norm_pix, self.patch_size = norm_pix, patch_size

    def construct_target(self, img: Tensor) -> Tensor:
        """img (N, 3, H, W) -> target, per-patch normalised if norm_pix."""
        if not self.norm_pix:
            return img
        if img.shape[-1] % self.patch_size or img.shape[-2] % self.patch_size:
            raise ValueError(f'norm_pix patches of {self.patch_size} px do '
                             f'not tile {tuple(img.shape[-2:])} images; set '
                             f'head.patch_size to a divisor of the size.')
        mean, std = patch_stats(img, self.patch_size)
        return (img - mean) / std

    def to_image(self, pred: Tensor, img: Tensor) -> Tensor:
        """Prediction -> the input's normalisation (undo norm_pix with the
        true patches' statistics, as MAE's visualisation does)."""
        if not self.norm_pix:
            return pred
        mean, std = patch_stats(img, self.patch_size)
        return pred * std + mean

    def loss(self, pred: Tensor, target: Tensor,
             mask: Optional[Tensor] = None) -> Tensor:
        """pred, target (N, 3, H, W); mask (N, h, w) patch grid or
        (N, 1, H, W) pixels, 1 = counts (masked). None: every pixel."""
        if pred.shape != target.shape:
            raise ValueError(f'Reconstruction {tuple(pred.shape)} and target '
                             f'{tuple(target.shape)} differ in shape; make '
                             f'the decoder output the image size.')
        if mask is not None:
            mask = upsample_mask(mask, target.shape[-2:])
        return self.loss_module(pred, self.construct_target(target), mask)
