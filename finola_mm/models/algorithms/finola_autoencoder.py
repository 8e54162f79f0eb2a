"""Autoencoders trained end to end on pixels: FINOLA (paper section 3;
docs/method.md section 1) and the plain anchor it is measured against."""
from typing import Dict, List, Optional

import torch
from torch import Tensor

from mmpretrain.models.selfsup import BaseSelfSupervisor
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample
from ..utils.pixels import to_pixels


@MODELS.register_module()
class Autoencoder(BaseSelfSupervisor):
    """Encoder -> code -> latent map -> decoder -> pixels, end to end.

    ``backbone`` is any MMPretrain backbone ending in a feature map; ``neck``
    turns its features into pixels (:class:`FINOLANeck`, or the plain
    :class:`LinearBottleneckNeck`); ``head`` is
    :class:`PixelReconstructionHead`. A neck with ``loss_and_predict`` may
    add its own loss terms (FINOLA's wave consistency). ``predict`` returns
    reconstructions in pixel units (0-255) for the PSNR metric.
    """

    def loss(self, inputs: Tensor, data_samples: List[DataSample],
             **kwargs) -> Dict[str, Tensor]:
        """inputs (N, 3, H, W), normalised -> {'loss': scalar, ...}."""
        self._check_image_size(inputs)
        feats = self.backbone(inputs)
        if hasattr(self.neck, 'loss_and_predict'):
            pred, extra = self.neck.loss_and_predict(feats)
        else:
            pred, extra = self.neck(feats), {}
        return dict(loss=self.head.loss(pred, inputs), **extra)

    def predict(self, inputs: Tensor,
                data_samples: Optional[List[DataSample]] = None,
                **kwargs) -> List[DataSample]:
        """Reconstruct; store ``pred_img`` and ``gt_img`` (3, H, W), 0-255."""
        self._check_image_size(inputs)
        pred = self.to_pixels(self.neck(self.backbone(inputs)))
        gt = self.to_pixels(inputs)
        data_samples = data_samples or [DataSample() for _ in inputs]
        for sample, p, g in zip(data_samples, pred, gt):
            sample.set_field(p, 'pred_img', field_type='data')
            sample.set_field(g, 'gt_img', field_type='data')
        return data_samples

    def forward(self, inputs: Tensor,
                data_samples: Optional[List[DataSample]] = None,
                mode: str = 'tensor'):
        """Adds ``mode='predict'`` to :class:`BaseSelfSupervisor`."""
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        return super().forward(inputs, data_samples, mode)

    def to_pixels(self, images: Tensor) -> Tensor:
        """Undo the data preprocessor's normalisation; clamp to [0, 255]."""
        return to_pixels(self.data_preprocessor, images)

    def _check_image_size(self, inputs: Tensor) -> None:
        expected = tuple(self.neck.img_size)
        if tuple(inputs.shape[-2:]) != expected:
            raise ValueError(
                f'Images are {tuple(inputs.shape[-2:])} but the neck '
                f'decodes {expected} (latent {self.neck.latent_size} x '
                f'upsampling). Resize the images to {expected} in the '
                f'pipeline, or set model.neck.img_size / latent_size / '
                f'decoder_channels to match the images.')


@MODELS.register_module()
class FINOLAAutoencoder(Autoencoder):
    """The FINOLA autoencoder: :class:`Autoencoder` with a
    :class:`FINOLANeck` (pool to q, grow with FINOLA, decode).

    `Exploring Invariance in Images through One-way Wave Equations
    <https://arxiv.org/abs/2310.12976>`_.
    """
