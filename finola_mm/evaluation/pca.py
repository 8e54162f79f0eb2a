"""PCA, the optimal linear autoencoder: the closed-form anchor for PSNR.

Fitted on training images, it reconstructs test images from k components;
any learned autoencoder with a k-dim code should beat it.
"""
from typing import NamedTuple

import torch
from torch import Tensor

from .psnr import psnr_per_image


class PCA(NamedTuple):
    mean: Tensor        # (D,)
    components: Tensor  # (k, D), orthonormal rows, by decreasing variance


def fit_pca(x: Tensor, k: int) -> PCA:
    """x (N, D) training vectors -> the top-k principal directions.

    Eigen-decomposes the (D, D) covariance in float64, so N may be large.
    """
    if not 1 <= k <= x.shape[1]:
        raise ValueError(f'PCA needs 1 <= k <= {x.shape[1]} (the vector '
                         f'size), got k={k}.')
    x = x.double()
    mean = x.mean(0)
    xc = x - mean
    cov = xc.T @ xc / len(x)                          # (D, D)
    _, vecs = torch.linalg.eigh(cov)                  # ascending eigenvalues
    return PCA(mean, vecs[:, -k:].flip(1).T.contiguous())


def pca_reconstruct(pca: PCA, x: Tensor) -> Tensor:
    """x (N, D) -> its projection on the k components, (N, D) float64."""
    xc = x.double() - pca.mean
    return pca.mean + (xc @ pca.components.T) @ pca.components


def pca_psnr(train: Tensor, test: Tensor, k: int) -> float:
    """Mean test PSNR of PCA with k components fitted on ``train``.

    Args:
        train (Tensor): (N, ...) training images, 0-255.
        test (Tensor): (M, ...) test images, 0-255.
        k (int): components.
    """
    pca = fit_pca(train.flatten(1), k)
    rec = pca_reconstruct(pca, test.flatten(1)).clamp(0, 255)  # as models'
    return float(psnr_per_image(rec, test.flatten(1)).mean())
