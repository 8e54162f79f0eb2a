"""Masked FINOLA: self-supervised pretraining through FINOLA (docs/method.md
section 5)."""
from typing import Dict, List, Tuple

from torch import Tensor

from mmpretrain.models.selfsup import BaseSelfSupervisor
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample
from ..utils.masks import stack_masks, upsample_mask, visible_box


@MODELS.register_module()
class MaskedFINOLA(BaseSelfSupervisor):
    """Masked FINOLA, element-wise or block-wise by its parts.

    `Exploring Invariance in Images through One-way Wave Equations
    <https://arxiv.org/abs/2310.12976>`_.

    - Element-wise: ``PatchMaskGenerator`` masks random patches; the
      backbone (``VisibleTokenViT``, ``SimMIMViT``, ``SimMIMMobileFormer``)
      encodes the masked image; :class:`FINOLANeck` pools it to q, regrows the
      whole latent map and decodes it.
    - Block-wise: ``QuadrantMaskGenerator`` leaves one quadrant visible; the
      backbone (``BlockMaskedViT``, ``BlockMaskedMobileFormer``) encodes only
      that block; :class:`BlockFINOLANeck` predicts the three other quadrants
      with FINOLA steps and decodes.

    Either way ``head`` (:class:`PixelReconstructionHead`) scores the masked
    pixels only. Masks arrive as SimMIM's do: ``data_samples[i].mask``.
    """

    def loss(self, inputs: Tensor, data_samples: List[DataSample],
             **kwargs) -> Dict[str, Tensor]:
        """inputs (N, 3, H, W), normalised -> {'loss': scalar}."""
        pred, mask = self.predict_masked(inputs, data_samples)
        return dict(loss=self.head.loss(pred, inputs, mask))

    def predict_masked(self, inputs: Tensor,
                       data_samples: List[DataSample]) -> Tuple[Tensor, Tensor]:
        """-> prediction (N, 3, H, W) in target space and mask (N, h, w)."""
        mask = stack_masks(data_samples, type(self).__name__)  # (N, h, w)
        if not getattr(self.neck, 'block_wise', False):
            return self.neck(self.backbone(inputs, mask), mask), mask
        box = visible_box(mask)         # once a step, for backbone and neck
        return self.neck(self.backbone(inputs, mask, box), mask, box), mask

    def reconstruct(self, inputs: Tensor,
                    data_samples: List[DataSample]) -> Tuple[Tensor, Tensor]:
        """-> prediction (N, 3, H, W) in the inputs' normalisation and the
        pixel mask (N, 1, H, W), 1 = masked."""
        pred, mask = self.predict_masked(inputs, data_samples)
        return (self.head.to_image(pred, inputs),
                upsample_mask(mask, inputs.shape[-2:]))
