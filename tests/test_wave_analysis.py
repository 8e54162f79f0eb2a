"""Wave speeds of Q = A B^-1 and the residual of Δx z = Q Δy z."""
import pytest
import torch

from finola_mm.analysis import SingularMatrixError, wave_residual, wave_speeds
from finola_mm.finola import finola_grow


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
