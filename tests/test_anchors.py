"""The anchors FINOLA is measured against: PCA and the plain autoencoder."""
import torch
from mmengine.config import Config

from conftest import ROOT
from finola_mm.evaluation import fit_pca, pca_psnr, pca_reconstruct
from mmpretrain.registry import MODELS

PLAIN_CONFIG = (f'{ROOT}/configs/finola_autoencoder/'
                'plain-ae_conv-tiny_k512_1xb64-1k_fmnist-32px.py')


def test_pca_anchor_equals_a_direct_svd_reconstruction():
    gen = torch.Generator().manual_seed(0)
    train = torch.rand(50, 3, 4, 4, generator=gen, dtype=torch.float64) * 255
    test = torch.rand(7, 3, 4, 4, generator=gen, dtype=torch.float64) * 255
    k = 5
    # Direct: SVD of the centred training matrix, project on k right vectors.
    x = train.flatten(1)
    mean = x.mean(0)
    _, _, vt = torch.linalg.svd(x - mean, full_matrices=False)
    basis = vt[:k]                                      # (k, D)
    direct = mean + ((test.flatten(1) - mean) @ basis.T) @ basis
    pca = fit_pca(x, k)
    torch.testing.assert_close(pca_reconstruct(pca, test.flatten(1)), direct)
    mse = (direct.clamp(0, 255) - test.flatten(1)).pow(2).mean(1)
    expected = (10 * torch.log10(255**2 / mse)).mean()
    assert abs(pca_psnr(train, test, k) - float(expected)) < 1e-9
    # More components reconstruct at least as well; all of them, exactly.
    assert pca_psnr(train, test, 10) >= pca_psnr(train, test, k)
    assert pca_psnr(train, train, 48) > 100


def test_plain_autoencoder_code_has_the_bottleneck_size():
    cfg = Config.fromfile(PLAIN_CONFIG)
    cfg.model.neck.bottleneck = 24
    model = MODELS.build(cfg.model)
    x = torch.randn(2, 3, 32, 32)
    code = model.neck.pool(model.backbone(x)[-1])
    assert code.shape == (2, 24)
    assert model.neck(model.backbone(x)).shape == (2, 3, 32, 32)


def test_psnr_vs_c_gives_no_trend_verdict_from_one_value_of_c():
    from tools.benchmarks import psnr_vs_c as bench
    assert bench.trend([22.0]) == (None, None)
    assert bench.trend([20.0, 21.0, 23.5]) == (True, 3.5)
    rising, gain = bench.trend([20.0, 22.0, 21.0])
    assert rising is False and gain == 1.0
