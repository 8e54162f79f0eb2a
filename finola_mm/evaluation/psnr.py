"""PSNR of reconstructions, in 8-bit pixel units."""
from typing import Sequence

import torch
from mmengine.evaluator import BaseMetric

from mmpretrain.registry import METRICS


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
            err = (sample['pred_img'].double() - sample['gt_img'].double())
            mse = err.pow(2).mean().clamp_min(1e-10)
            self.results.append(
                dict(psnr=float(10 * torch.log10(self.max_value**2 / mse)),
                     mse=float(mse)))

    def compute_metrics(self, results: list) -> dict:
        n = len(results)
        return dict(psnr=sum(r['psnr'] for r in results) / n,
                    mse=sum(r['mse'] for r in results) / n)
