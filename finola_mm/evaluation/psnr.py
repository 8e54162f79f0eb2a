"""PSNR of reconstructions, in 8-bit pixel units."""
from typing import Sequence

import torch
from mmengine.evaluator import BaseMetric
from torch import Tensor

from mmpretrain.registry import METRICS


def mse_per_image(pred: Tensor, gt: Tensor) -> Tensor:
    """pred, gt (N, ...) -> (N,) float64 mean squared error, floored at
    1e-10 so a perfect reconstruction has a finite PSNR."""
    err = pred.double() - gt.double()
    return err.pow(2).flatten(1).mean(1).clamp_min(1e-10)


def psnr_from_mse(mse: Tensor, max_value: float = 255.) -> Tensor:
    return 10 * torch.log10(max_value**2 / mse)


def psnr_per_image(pred: Tensor, gt: Tensor,
                   max_value: float = 255.) -> Tensor:
    """pred, gt (N, ...) in pixel units -> (N,) PSNR in dB."""
    return psnr_from_mse(mse_per_image(pred, gt), max_value)


@METRICS.register_module()
class PSNR(BaseMetric):
    """Mean over images of 10 log10(255² / MSE).

    Reads ``pred_img`` and ``gt_img`` (3, H, W), values in [0, 255], from the
    model's predictions (see :class:`FINOLAAutoencoder.predict`).

    Args:
        max_value (float): peak signal. Defaults to 255.
    """
    default_prefix = 'recon'

    def __init__(self, max_value: float = 255., **kwargs) -> None:
        super().__init__(**kwargs)
        self.max_value = max_value

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            if 'pred_img' not in sample or 'gt_img' not in sample:
                raise KeyError('PSNR needs `pred_img` and `gt_img` in the '
                               'predictions; use it with a reconstruction '
                               'model such as FINOLAAutoencoder.')
            mse = mse_per_image(sample['pred_img'][None],
                                sample['gt_img'][None])
            self.results.append(
                dict(psnr=float(psnr_from_mse(mse, self.max_value)),
                     mse=float(mse)))

    def compute_metrics(self, results: list) -> dict:
        n = len(results)
        return dict(psnr=sum(r['psnr'] for r in results) / n,
                    mse=sum(r['mse'] for r in results) / n)
