"""Pixel reconstruction head: builds the target, calls a registered loss."""
from typing import Optional

from mmengine.model import BaseModule
from torch import Tensor

from mmpretrain.registry import MODELS


@MODELS.register_module()
class PixelReconstructionHead(BaseModule):
    """Loss between a reconstructed image and the (normalised) input image.

    Args:
        loss (dict): a registered loss taking (pred, target, mask). Defaults
            to MMPretrain's ``PixelReconstructionLoss`` with L2.
    """

    def __init__(self,
                 loss: dict = dict(type='PixelReconstructionLoss',
                                   criterion='L2'),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.loss_module = MODELS.build(loss)

    def loss(self, pred: Tensor, target: Tensor,
             mask: Optional[Tensor] = None) -> Tensor:
        """pred, target (N, 3, H, W); mask (N, 1, H, W), 1 = counts."""
        if pred.shape != target.shape:
            raise ValueError(f'Reconstruction {tuple(pred.shape)} and target '
                             f'{tuple(target.shape)} differ in shape; make '
                             f'the decoder output the image size.')
        return self.loss_module(pred, target, mask)
