"""Step-by-step FINOLA written out one position at a time, in float64, and
the checks every implementation (``impl``) must pass against it.

Imported by the tests and tools/device/cuda_correctness.py; also run as a
script, so the Triton kernels can be checked in a fresh process under
TRITON_INTERPRET=1::

    TRITON_INTERPRET=1 python tools/device/finola_reference.py triton
"""
import itertools
import sys

import torch

from finola_mm.finola import complete_quadrants, multipath_finola_grow

FORWARD_TOL = 1e-6   # float32 map vs the float64 reference, relative to max
GRAD_TOL = 1e-5      # float32 grads (sums over every step) likewise


def reference_norm(v, eps):
    mu = v.mean()
    var = ((v - mu)**2).mean()
    return (v - mu) / torch.sqrt(var + eps)


def reference_finola(q, A, B, H, W, A_neg=None, B_neg=None, order='yx',
                     eps=1e-6):
    """One position at a time, straight from the recurrence. q: (C,)."""
    A_neg = -A if A_neg is None else A_neg
    B_neg = -B if B_neg is None else B_neg
    z = {}
    cy, cx = H // 2, W // 2
    z[cy, cx] = q

    def step(src, mat):
        return src + mat @ reference_norm(src, eps)

    if order == 'yx':
        for y in range(cy + 1, H):
            z[y, cx] = step(z[y - 1, cx], B)
        for y in range(cy - 1, -1, -1):
            z[y, cx] = step(z[y + 1, cx], B_neg)
        for y in range(H):
            for x in range(cx + 1, W):
                z[y, x] = step(z[y, x - 1], A)
            for x in range(cx - 1, -1, -1):
                z[y, x] = step(z[y, x + 1], A_neg)
    else:
        for x in range(cx + 1, W):
            z[cy, x] = step(z[cy, x - 1], A)
        for x in range(cx - 1, -1, -1):
            z[cy, x] = step(z[cy, x + 1], A_neg)
        for x in range(W):
            for y in range(cy + 1, H):
                z[y, x] = step(z[y - 1, x], B)
            for y in range(cy - 1, -1, -1):
                z[y, x] = step(z[y + 1, x], B_neg)
    return torch.stack([torch.stack([z[y, x] for x in range(W)], -1)
                        for y in range(H)], -2)           # (C, H, W)


def reference_complete(block, A, B, visible, order, A_neg=None, B_neg=None):
    """One position at a time: z <- z + A ẑ, written out. block (C, h, w)."""
    C, h, w = block.shape
    r, c = visible
    step_x = (-A if A_neg is None else A_neg) if c else A
    step_y = (-B if B_neg is None else B_neg) if r else B

    def steps(z, mat, n):
        for _ in range(n):
            z = z + mat @ reference_norm(z, 1e-6)
        return z

    out = [[None] * (2 * w) for _ in range(2 * h)]
    for y in range(h):
        for x in range(w):
            z = block[:, y, x]
            beside, below = steps(z, step_x, w), steps(z, step_y, h)
            diagonal = (steps(beside, step_y, h) if order == 'xy'
                        else steps(below, step_x, w))
            Y, X = r * h + y, c * w + x               # visible position
            oY, oX = (1 - r) * h + y, (1 - c) * w + x  # its partners
            out[Y][X], out[Y][oX] = z, beside
            out[oY][X], out[oY][oX] = below, diagonal
    return torch.stack([torch.stack(row, -1) for row in out], -2)


def inputs(C, shape, separate, seed):
    """float64 (x, A, B[, A_neg, B_neg]) with small steps, fixed seed."""
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(*shape, generator=gen, dtype=torch.float64)
    mats = [torch.randn(C, C, generator=gen, dtype=torch.float64) * 0.3 /
            C**0.5 * 2 for _ in range(4 if separate else 2)]
    return [x] + mats


def rel_err(got, want):
    return ((got.double() - want).abs().max() /
            want.abs().max().clamp_min(1)).item()


def compare(run_impl, run_reference, tensors, device='cpu'):
    """Map and grads of ``run_impl`` in float32 (on ``device``) against
    ``run_reference`` in float64 for the same inputs and a fixed random
    output weight."""
    ref_in = [t.clone().requires_grad_() for t in tensors]
    want = run_reference(*ref_in)
    weight = torch.randn(want.shape, generator=torch.Generator().manual_seed(
        7), dtype=torch.float64)
    want_grads = torch.autograd.grad((want * weight).sum(), ref_in,
                                     materialize_grads=True)
    got_in = [t.float().to(device).requires_grad_() for t in tensors]
    got = run_impl(*got_in)
    got_grads = torch.autograd.grad(
        (got * weight.float().to(device)).sum(), got_in,
        materialize_grads=True)
    got, got_grads = got.cpu(), [g.cpu() for g in got_grads]
    errs = [rel_err(got, want)] + [rel_err(g, w)
                                   for g, w in zip(got_grads, want_grads)]
    assert errs[0] <= FORWARD_TOL and max(errs[1:]) <= GRAD_TOL, errs
    return errs


def grow_case(impl, H, W, M, order, separate, C=5, N=2, device='cpu'):
    """multipath_finola_grow(impl) vs the position-by-position reference."""
    def run_impl(q, A, B, *neg):
        return multipath_finola_grow(q, M, A, B, H, W, axis_order=order,
                                     impl=impl, **dict(zip(('A_neg',
                                                            'B_neg'), neg)))

    def run_reference(q, A, B, *neg):
        return torch.stack([sum(
            reference_finola(q[n, m * C:(m + 1) * C], A, B, H, W, *neg,
                             order=order) for m in range(M))
            for n in range(N)])

    return compare(run_impl, run_reference,
                   inputs(C, (N, M * C), separate, seed=H * 7 + W + M),
                   device)


def quadrant_case(impl, visible, order, separate, C=5, N=2, h=2, w=3,
                  device='cpu'):
    def run_impl(block, A, B, *neg):
        return complete_quadrants(block, A, B, visible, *neg,
                                  axis_order=order, impl=impl)

    def run_reference(block, A, B, *neg):
        return torch.stack([reference_complete(b, A, B, visible, order, *neg)
                            for b in block])

    return compare(run_impl, run_reference,
                   inputs(C, (N, C, h, w), separate, seed=sum(visible)),
                   device)


GROW_CASES = list(itertools.product(
    [(1, 1), (1, 4), (4, 4), (5, 3)], [1, 2], ['yx', 'xy'], [False, True]))
QUADRANT_CASES = list(itertools.product(
    [(0, 0), (0, 1), (1, 0), (1, 1)], ['xy', 'yx'], [False, True]))
# C wider than one kernel tile (64 channels): 2 and 3 tiles per row
MULTI_TILE_GROW_CASES = [((4, 3), 1, 'yx', False, 70),
                         ((3, 4), 2, 'xy', True, 130)]
MULTI_TILE_QUADRANT_CASES = [((1, 1), 'xy', True, 70),
                             ((0, 1), 'yx', False, 130)]


def gradcheck_grow(impl, H, W, order, separate, M=2, C=3):
    tensors = [t.requires_grad_() for t in inputs(C, (2, M * C), separate, 1)]
    return torch.autograd.gradcheck(
        lambda q, A, B, *neg: multipath_finola_grow(
            q, M, A, B, H, W, axis_order=order, impl=impl,
            **dict(zip(('A_neg', 'B_neg'), neg))), tensors)


def gradcheck_quadrants(impl, visible, order, separate, C=3):
    tensors = [t.requires_grad_()
               for t in inputs(C, (1, C, 2, 2), separate, 2)]
    return torch.autograd.gradcheck(
        lambda b, A, B, *neg: complete_quadrants(
            b, A, B, visible, *neg, axis_order=order, impl=impl), tensors)


def main(impl):
    worst = [0., 0.]
    for (H, W), M, order, separate in GROW_CASES:
        errs = grow_case(impl, H, W, M, order, separate)
        worst = [max(worst[0], errs[0]), max(worst[1], *errs[1:])]
    for visible, order, separate in QUADRANT_CASES:
        errs = quadrant_case(impl, visible, order, separate)
        worst = [max(worst[0], errs[0]), max(worst[1], *errs[1:])]
    for (H, W), M, order, separate, C in MULTI_TILE_GROW_CASES:
        errs = grow_case(impl, H, W, M, order, separate, C=C)
        worst = [max(worst[0], errs[0]), max(worst[1], *errs[1:])]
    for visible, order, separate, C in MULTI_TILE_QUADRANT_CASES:
        errs = quadrant_case(impl, visible, order, separate, C=C)
        worst = [max(worst[0], errs[0]), max(worst[1], *errs[1:])]
    assert gradcheck_grow(impl, 4, 3, 'xy', True)
    assert gradcheck_grow(impl, 3, 4, 'yx', False)
    assert gradcheck_quadrants(impl, (1, 0), 'xy', True)
    multi = len(MULTI_TILE_GROW_CASES) + len(MULTI_TILE_QUADRANT_CASES)
    print(f'{impl}: {len(GROW_CASES)} grow + {len(QUADRANT_CASES)} quadrant '
          f'cases, {multi} multi-tile cases (C = 70, 130) and 3 gradchecks '
          f'pass; worst map error {worst[0]:.1e}, '
          f'worst grad error {worst[1]:.1e}')


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'torch')
