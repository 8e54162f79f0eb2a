"""Wave speeds of Q = A B^-1 and the residual of Δx z = Q Δy z."""
import pytest
import torch
import torch.nn.functional as F

from finola_mm.analysis import (SingularMatrixError, axis_residuals,
                                wave_residual, wave_speeds)
from finola_mm.finola import FINOLA, finola_grow


def test_speeds_are_the_eigenvalues_of_a_b_inverse():
    gen = torch.Generator().manual_seed(0)
    C = 6
    V = torch.randn(C, C, generator=gen, dtype=torch.float64)
    lam = torch.tensor([0.5, -1., 2., 3., -0.25, 1.5], dtype=torch.float64)
    B = torch.randn(C, C, generator=gen, dtype=torch.float64)
    Q = V @ torch.diag(lam) @ torch.linalg.inv(V)
    A = Q @ B                                   # so A B^-1 = Q
    spec = wave_speeds(A, B)
    got = torch.sort(spec.speeds.real).values
    torch.testing.assert_close(got, torch.sort(lam).values, atol=1e-8,
                               rtol=0)
    assert spec.speeds.imag.abs().max() < 1e-8
    torch.testing.assert_close(spec.Q, Q, atol=1e-10, rtol=0)
    assert spec.cond_B >= 1 and spec.cond_V >= 1


def test_rotation_gives_complex_speeds():
    A = torch.tensor([[0., -1.], [1., 0.]])
    spec = wave_speeds(A, torch.eye(2))
    torch.testing.assert_close(torch.sort(spec.speeds.imag).values,
                               torch.tensor([-1., 1.], dtype=torch.float64))


def test_singular_b_is_a_clear_error():
    B = torch.ones(4, 4)                        # rank 1
    with pytest.raises(SingularMatrixError, match='B is singular'):
        wave_speeds(torch.eye(4), B)


def test_residual_is_zero_where_both_steps_come_from_the_same_point():
    """At the centre, the y-step (column) and the x-step (row) both start
    from q, so Δx z = A ẑ = Q B ẑ = Q Δy z exactly; elsewhere the parallel
    scheme only approximates the relation."""
    gen = torch.Generator().manual_seed(3)
    C, H, W = 8, 6, 6
    A = torch.randn(C, C, generator=gen, dtype=torch.float64) * 0.3
    B = torch.randn(C, C, generator=gen, dtype=torch.float64) * 0.3 \
        + torch.eye(C, dtype=torch.float64)
    q = torch.randn(2, C, generator=gen, dtype=torch.float64)
    z = finola_grow(q, A, B, H, W)
    res = wave_residual(z, wave_speeds(A, B).Q)
    assert res.shape == (2, H - 1, W - 1)
    assert res[:, H // 2, W // 2].max() < 1e-10
    assert res.max() > 1e-3


@pytest.mark.parametrize('axis_order', ['yx', 'xy'])
@pytest.mark.parametrize('separate', [False, True])
@pytest.mark.parametrize('size', [(5, 6), (4, 4), (7, 3)])
def test_axis_residual_is_zero_on_the_grown_axis_only(axis_order, separate,
                                                      size):
    """Rows grown along x (yx) satisfy Δx z = A ẑ exactly, every edge; the
    y-equation holds only on the centre column (grown along y), and not
    elsewhere for random A and B. The transpose for xy."""
    gen = torch.Generator().manual_seed(1)
    C, (H, W) = 8, size

    def mat():
        return torch.randn(C, C, generator=gen, dtype=torch.float64) * 0.3

    A, B = mat(), mat()
    A_neg, B_neg = (mat(), mat()) if separate else (None, None)
    q = torch.randn(3, C, generator=gen, dtype=torch.float64)
    z = finola_grow(q, A, B, H, W, A_neg, B_neg, axis_order=axis_order)
    res_x, res_y = axis_residuals(z, A, B, A_neg, B_neg)
    assert res_x.shape == (3, H, W - 1) and res_y.shape == (3, H - 1, W)
    grown, off = (res_x, res_y) if axis_order == 'yx' else (res_y, res_x)
    assert grown.max() < 1e-10
    centre = off[:, :, W // 2] if axis_order == 'yx' else off[:, H // 2]
    assert centre.max() < 1e-10
    assert off.max() > 1e-2


def test_consistency_loss_lowers_the_off_axis_residual_when_overfitting():
    """Fit four seeds to random target maps, with and without the wave
    consistency loss: with it, the maps solve both equations far better."""
    def fit(weight):
        torch.manual_seed(0)
        finola = FINOLA(8, init_std=1.0)
        q = torch.nn.Parameter(torch.randn(4, 8))
        target = torch.randn(4, 8, 5, 5)
        opt = torch.optim.Adam([*finola.parameters(), q], lr=1e-2)
        for _ in range(150):
            z = finola.grow_paths(q, 5, 5)[:, 0]           # (4, 8, 5, 5)
            loss = F.mse_loss(z, target)
            if weight:
                loss = loss + weight * finola.consistency_loss(z)
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            z = finola.grow_paths(q, 5, 5)[:, 0]
            _, res_y = axis_residuals(z, finola.A, finola.B)
        return float(res_y.mean()), float(F.mse_loss(z, target))

    plain_res, _ = fit(0.)
    consistent_res, _ = fit(1.)
    assert consistent_res < 0.5 * plain_res, (consistent_res, plain_res)
