"""FINOLA as one-way wave equations (docs/method.md section 2).

∂z/∂x = A ẑ and ∂z/∂y = B ẑ give ∂z/∂x = Q ∂z/∂y with Q = A B⁻¹. If
Q = V Λ V⁻¹, then ζ = V⁻¹ z obeys ∂ζ_k/∂x = λ_k ∂ζ_k/∂y: C transport
equations whose speeds λ_k (possibly complex) every image shares.
"""
from dataclasses import dataclass
from typing import Optional

import torch
from torch import Tensor

from finola_mm.finola import step_residuals


class SingularMatrixError(ValueError):
    """B cannot be inverted, so Q = A B⁻¹ does not exist."""


@dataclass
class WaveSpectrum:
    """Q = A B⁻¹ = V diag(speeds) V⁻¹, with the conditioning of B and V."""
    Q: Tensor          # (C, C) float64
    speeds: Tensor     # (C,) complex128, eigenvalues of Q
    V: Tensor          # (C, C) complex128, eigenvectors (columns)
    cond_B: float
    cond_V: float


def wave_speeds(A: Tensor, B: Tensor, max_cond: float = 1e12) -> WaveSpectrum:
    """Eigen-decompose Q = A B⁻¹ (in float64).

    Raises:
        SingularMatrixError: if cond(B) exceeds ``max_cond`` (or is inf).
    """
    A, B = A.detach().double().cpu(), B.detach().double().cpu()
    cond_B = float(torch.linalg.cond(B))
    if not cond_B < max_cond:
        raise SingularMatrixError(
            f'B is singular or nearly so (condition number {cond_B:.3g} > '
            f'{max_cond:.0e}), so Q = A B^-1 is undefined and the map has no '
            f'one-way wave form along y. Analyse the transposed relation '
            f'(Q = B A^-1, swap A and B) or a better-trained checkpoint.')
    Q = torch.linalg.solve(B, A, left=False)   # A @ B⁻¹
    speeds, V = torch.linalg.eig(Q)
    return WaveSpectrum(Q, speeds, V, cond_B, float(torch.linalg.cond(V)))


def wave_residual(z: Tensor, Q: Tensor) -> Tensor:
    """How far a map is from Δx z = Q Δy z, per position.

    Args:
        z (Tensor): (N, C, H, W) latent maps.
        Q (Tensor): (C, C).

    Returns:
        Tensor: (N, H-1, W-1) float64, ||Δx z - Q Δy z|| / ||Δx z|| with
        forward differences at each (y, x).
    """
    z = z.detach().double()
    base = z[:, :, :-1, :-1]
    dx = z[:, :, :-1, 1:] - base                     # (N, C, H-1, W-1)
    dy = z[:, :, 1:, :-1] - base
    q_dy = torch.einsum('ij,njhw->nihw', Q.to(z), dy)
    return (dx - q_dy).norm(dim=1) / dx.norm(dim=1).clamp_min(1e-30)


def axis_residuals(z: Tensor, A: Tensor, B: Tensor,
                   A_neg: Optional[Tensor] = None,
                   B_neg: Optional[Tensor] = None,
                   eps: float = 1e-6) -> tuple:
    """Per-edge relative residuals of each FINOLA equation, no inverse.

    Args:
        z (Tensor): (N, C, H, W) single-path maps.
        A, B (Tensor): (C, C); A_neg, B_neg as in the FINOLA module.

    Returns:
        tuple: (res_x (N, H, W-1), res_y (N, H-1, W)) float64:
        ||Δx z - A ẑ|| / ||Δx z|| and ||Δy z - B ẑ|| / ||Δy z||, each step
        taken from the edge's end nearer the centre (see
        :func:`finola_mm.finola.step_residuals`).
    """
    mats = [m.detach().double() if m is not None else None
            for m in (A, B, A_neg, B_neg)]
    sq_x, dx, sq_y, dy = step_residuals(z.detach().double(), *mats, eps=eps)
    return ((sq_x / dx.clamp_min(1e-30)).sqrt(),
            (sq_y / dy.clamp_min(1e-30)).sqrt())
