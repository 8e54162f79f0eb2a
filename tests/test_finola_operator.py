"""The FINOLA operator against a plain step-by-step loop, written separately."""
import pytest
import torch

from finola_mm.finola import FINOLA, finola_grow, multipath_finola_grow
from tools.device.finola_reference import reference_finola


def random_mats(C, gen, n=2):
    return [torch.randn(C, C, generator=gen, dtype=torch.float64) * 0.3
            for _ in range(n)]


@pytest.mark.parametrize('H,W', [(1, 1), (1, 6), (5, 1), (4, 4), (5, 7),
                                 (8, 3)])
@pytest.mark.parametrize('order', ['yx', 'xy'])
def test_finola_matches_stepwise_reference(H, W, order):
    gen = torch.Generator().manual_seed(H * 31 + W)
    C, N = 6, 3
    q = torch.randn(N, C, generator=gen, dtype=torch.float64)
    A, B = random_mats(C, gen)
    got = finola_grow(q, A, B, H, W, axis_order=order)
    assert got.shape == (N, C, H, W)
    for n in range(N):
        want = reference_finola(q[n], A, B, H, W, order=order)
        torch.testing.assert_close(got[n], want, atol=1e-10, rtol=0)


def test_separate_negative_matrices_match_reference():
    gen = torch.Generator().manual_seed(0)
    C = 5
    q = torch.randn(2, C, generator=gen, dtype=torch.float64)
    A, B, A_neg, B_neg = random_mats(C, gen, 4)
    got = finola_grow(q, A, B, 6, 5, A_neg=A_neg, B_neg=B_neg)
    for n in range(2):
        want = reference_finola(q[n], A, B, 6, 5, A_neg, B_neg)
        torch.testing.assert_close(got[n], want, atol=1e-10, rtol=0)
    # and they are really used: the mirror gives another map
    assert not torch.allclose(got, finola_grow(q, A, B, 6, 5))


@pytest.mark.parametrize('M,H,W', [(2, 3, 4), (4, 5, 5), (3, 1, 2)])
@pytest.mark.parametrize('aggregation', ['sum', 'mean'])
def test_multipath_is_aggregate_of_shared_single_paths(M, H, W, aggregation):
    gen = torch.Generator().manual_seed(M)
    C, N = 4, 2
    q = torch.randn(N, M * C, generator=gen, dtype=torch.float64)
    A, B = random_mats(C, gen)
    got = multipath_finola_grow(q, M, A, B, H, W, aggregation=aggregation)
    for n in range(N):
        paths = [reference_finola(q[n, m * C:(m + 1) * C], A, B, H, W)
                 for m in range(M)]
        want = torch.stack(paths).sum(0)
        if aggregation == 'mean':
            want = want / M
        torch.testing.assert_close(got[n], want, atol=1e-10, rtol=0)


def test_orders_agree_at_the_centre_cross_only():
    """x-then-y and y-then-x share the centre row/column seeds' first steps
    but differ elsewhere because of the norm: the choice matters."""
    gen = torch.Generator().manual_seed(1)
    q = torch.randn(1, 6, generator=gen, dtype=torch.float64)
    A, B = random_mats(6, gen)
    yx = finola_grow(q, A, B, 5, 5, axis_order='yx')
    xy = finola_grow(q, A, B, 5, 5, axis_order='xy')
    torch.testing.assert_close(yx[..., :, 2], xy[..., :, 2], atol=1e-12,
                               rtol=0)  # centre column: B steps from q
    torch.testing.assert_close(yx[..., 2, :], xy[..., 2, :], atol=1e-12,
                               rtol=0)  # centre row: A steps from q
    assert (yx - xy).abs().max() > 1e-6


def test_finola_gradcheck():
    gen = torch.Generator().manual_seed(2)
    C = 3
    q = torch.randn(2, 2 * C, generator=gen, dtype=torch.float64,
                    requires_grad=True)
    A, B = (m.requires_grad_() for m in random_mats(C, gen))
    assert torch.autograd.gradcheck(
        lambda q, A, B: multipath_finola_grow(q, 2, A, B, 3, 4), (q, A, B))


def test_finola_gradcheck_with_separate_negative_matrices():
    gen = torch.Generator().manual_seed(4)
    q = torch.randn(2, 3, generator=gen, dtype=torch.float64,
                    requires_grad=True)
    mats = [m.requires_grad_() for m in random_mats(3, gen, 4)]
    assert torch.autograd.gradcheck(
        lambda q, A, B, An, Bn: finola_grow(q, A, B, 4, 3, A_neg=An,
                                            B_neg=Bn, axis_order='xy'),
        (q, *mats))


def test_module_has_2c2_parameters_whatever_the_paths():
    for M in (1, 4, 16):
        op = FINOLA(channels=16, num_paths=M)
        assert sum(p.numel() for p in op.parameters()) == 2 * 16 * 16
    assert sum(p.numel() for p in FINOLA(
        16, negative_steps='separate').parameters()) == 4 * 16 * 16


def test_grows_finite_over_128_steps_in_float32():
    op = FINOLA(channels=32)
    z = op(torch.randn(2, 32), 1, 257)   # 128 steps each way along x
    assert torch.isfinite(z).all()


@pytest.mark.parametrize('H,W', [(0, 4), (4, 0), (-1, 2)])
def test_map_smaller_than_1x1_is_a_clear_error(H, W):
    with pytest.raises(ValueError, match='at least 1x1'):
        FINOLA(4)(torch.randn(1, 4), H, W)


def test_q_not_divisible_by_paths_is_a_clear_error():
    A = torch.zeros(3, 3)
    with pytest.raises(ValueError, match='not divisible by num_paths=2'):
        multipath_finola_grow(torch.randn(1, 7), 2, A, A, 2, 2)
    with pytest.raises(ValueError, match=r'expects q of shape \(N, 8\)'):
        FINOLA(4, num_paths=2)(torch.randn(1, 7), 2, 2)


def test_unknown_option_is_a_clear_error():
    with pytest.raises(ValueError, match="axis_order must be one of"):
        FINOLA(4, axis_order='zz')
    with pytest.raises(ValueError, match="negative_steps must be one of"):
        FINOLA(4, negative_steps='none')


def test_growth_over_128_steps_stays_finite_and_close_to_float64():
    torch.manual_seed(0)
    module = FINOLA(64, init_std=1.0).double()
    q = torch.randn(1, 64, dtype=torch.float64)
    with torch.no_grad():
        ref = module(q, 257, 257)                       # 128 steps each way
        out = module.float()(q.float(), 257, 257).double()
    assert torch.isfinite(out).all()
    rel = (out - ref).norm(dim=1) / ref.norm(dim=1)
    assert rel.max() < 1e-4
