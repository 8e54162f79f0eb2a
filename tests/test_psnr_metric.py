import math

import torch

from finola_mm.evaluation import PSNR


def test_psnr_matches_the_definition():
    gt = torch.full((3, 8, 8), 100.)
    metric = PSNR()
    metric.process(None, [dict(pred_img=gt + 1, gt_img=gt),      # MSE 1
                          dict(pred_img=gt + 4, gt_img=gt)])     # MSE 16
    out = metric.compute_metrics(metric.results)
    want = (20 * math.log10(255) + 20 * math.log10(255 / 4)) / 2
    assert abs(out['psnr'] - want) < 1e-9
    assert abs(out['mse'] - 8.5) < 1e-9


def test_better_reconstruction_scores_higher():
    gt = torch.rand(3, 8, 8) * 255
    m = PSNR()
    m.process(None, [dict(pred_img=gt + torch.randn_like(gt), gt_img=gt)])
    close = m.compute_metrics(m.results)['psnr']
    m = PSNR()
    m.process(None, [dict(pred_img=gt + 10 * torch.randn_like(gt),
                          gt_img=gt)])
    assert close > m.compute_metrics(m.results)['psnr'] + 15
