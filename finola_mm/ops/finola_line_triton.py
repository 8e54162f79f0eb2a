"""Triton kernels for FINOLA's line growth: one launch for all the steps.

Each program owns a block of rows of one direction and walks every step of
that direction itself, so the whole growth is one kernel (and the backward
walk another) instead of a few kernels per step. A step reads the block's
current entry, takes its channel mean and std, and writes
z + ẑ M one (BLOCK_R, BLOCK_N) tile at a time; a barrier orders the steps.

CUDA tensors use the compiled kernels. On the CPU they run under Triton's
interpreter when TRITON_INTERPRET=1 is set before this module is imported
(slow; for correctness tests).
"""
import os

import torch
from torch import Tensor

try:
    import triton
    import triton.language as tl
except ImportError:  # pragma: no cover - Triton ships with CUDA torch wheels
    triton = None

INTERPRET = os.environ.get('TRITON_INTERPRET', '0') == '1'


def triton_available() -> bool:
    return triton is not None


def check_device(t: Tensor) -> None:
    if triton is None:
        raise RuntimeError("FINOLA impl='triton' needs the triton package; "
                           "install it or set impl='torch'.")
    if not t.is_cuda and not INTERPRET:
        raise RuntimeError(
            "FINOLA impl='triton' runs on CUDA tensors (or on the CPU under "
            "TRITON_INTERPRET=1, for tests); got a tensor on "
            f"{t.device}. Use impl='torch' or impl='auto' off the GPU.")


if triton is not None:

    @triton.jit
    def _dot(a, b, IEEE: tl.constexpr):
        if IEEE:
            out = tl.dot(a, b, input_precision='ieee')
        else:
            out = tl.dot(a, b)
        return out

    @triton.jit
    def _tile(base, rows, rmask, RS, cols, C: tl.constexpr, ACC: tl.constexpr):
        """(BLOCK_R, BLOCK) tile at base + rows * RS + cols, 0 outside."""
        m = rmask[:, None] & (cols[None, :] < C)
        return tl.load(base + rows[:, None] * RS + cols[None, :], mask=m,
                       other=0.).to(ACC)

    @triton.jit
    def _row_stats(base, rows, rmask, RS, C: tl.constexpr, eps,
                   BLOCK_K: tl.constexpr, ACC: tl.constexpr):
        """Mean and 1/std over C of the (BLOCK_R, C) rows at base."""
        total = tl.zeros((rows.shape[0], ), dtype=ACC)
        for k0 in range(0, C, BLOCK_K):
            ks = k0 + tl.arange(0, BLOCK_K)
            total += tl.sum(_tile(base, rows, rmask, RS, ks, C, ACC), axis=1)
        mean = total / C
        sq = tl.zeros((rows.shape[0], ), dtype=ACC)
        for k0 in range(0, C, BLOCK_K):
            ks = k0 + tl.arange(0, BLOCK_K)
            x = _tile(base, rows, rmask, RS, ks, C, ACC)
            d = tl.where(rmask[:, None] & (ks[None, :] < C),
                         x - mean[:, None], 0.)
            sq += tl.sum(d * d, axis=1)
        return mean, 1. / tl.sqrt(sq / C + eps)

    @triton.jit
    def _program(R, n_pos, n_neg, BLOCK_R: tl.constexpr):
        """This program's rows (and mask), its direction d (0: +, 1: -),
        that direction's sign and number of steps."""
        rows = tl.program_id(0) * BLOCK_R + tl.arange(0, BLOCK_R)
        d = tl.program_id(1)
        return rows, rows < R, d, 1 - 2 * d, tl.where(d == 0, n_pos, n_neg)

    @triton.jit
    def _finola_line_fwd(line, mats, R, L, C: tl.constexpr, seed_at, n_pos,
                         n_neg, eps, BLOCK_R: tl.constexpr,
                         BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr,
                         IEEE: tl.constexpr, ACC: tl.constexpr):
        """line (R, L, C) with the seed at seed_at; mats (2, C, C) = M₀, M₁.

        Program (row block, d) grows direction d: entry s ± i from s ± (i-1)
        as z + layer_norm(z) @ M_d, for i = 1 .. n_d.
        """
        rows, rmask, d, sign, n = _program(R, n_pos, n_neg, BLOCK_R)
        RS, mat = L * C, mats + d * C * C
        for i in range(1, n + 1):
            src = line + (seed_at + sign * (i - 1)) * C
            dst = line + (seed_at + sign * i) * C
            mean, rstd = _row_stats(src, rows, rmask, RS, C, eps, BLOCK_K,
                                    ACC)
            for n0 in range(0, C, BLOCK_N):
                ns = n0 + tl.arange(0, BLOCK_N)
                acc = tl.zeros((BLOCK_R, BLOCK_N), dtype=ACC)
                for k0 in range(0, C, BLOCK_K):
                    ks = k0 + tl.arange(0, BLOCK_K)
                    x = _tile(src, rows, rmask, RS, ks, C, ACC)
                    xn = tl.where(rmask[:, None] & (ks[None, :] < C),
                                  (x - mean[:, None]) * rstd[:, None], 0.)
                    w = tl.load(mat + ks[:, None] * C + ns[None, :],
                                mask=(ks[:, None] < C) & (ns[None, :] < C),
                                other=0.)
                    acc += _dot(xn.to(w.dtype), w, IEEE)
                z = _tile(src, rows, rmask, RS, ns, C, ACC)
                tl.store(dst + rows[:, None] * RS + ns[None, :],
                         (z + acc).to(dst.dtype.element_ty),
                         mask=rmask[:, None] & (ns[None, :] < C))
            tl.debug_barrier()  # the next step reads what this one wrote

    @triton.jit
    def _finola_line_bwd(line, G, mats, T, seed_grad, R, L, C: tl.constexpr,
                         seed_at, n_pos, n_neg, eps, BLOCK_R: tl.constexpr,
                         BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr,
                         IEEE: tl.constexpr, ACC: tl.constexpr):
        """Walk direction d back: G[src] += G[dst] + LNᵀ(z[src], G[dst] M_dᵀ).

        G (R, L, C) holds dL/dline and leaves with the total grads; the
        seed's share of direction d goes to seed_grad[d] (2, R, C), since
        both directions reach the seed. T (2, R, C) is scratch for G[dst]
        M_dᵀ.
        """
        rows, rmask, d, sign, n = _program(R, n_pos, n_neg, BLOCK_R)
        RS, mat = L * C, mats + d * C * C
        t_base = T + d * R * C
        for j in range(0, n):
            i = n - j
            k_src = seed_at + sign * (i - 1)
            src = line + k_src * C
            g_dst = G + (seed_at + sign * i) * C
            into_seed = i == 1
            g_src = tl.where(into_seed, seed_grad + d * R * C, G + k_src * C)
            src_rs = tl.where(into_seed, C, RS)
            mean, rstd = _row_stats(src, rows, rmask, RS, C, eps, BLOCK_K,
                                    ACC)
            s_t = tl.zeros((BLOCK_R, ), dtype=ACC)
            s_tz = tl.zeros((BLOCK_R, ), dtype=ACC)
            for n0 in range(0, C, BLOCK_N):  # t = G[dst] M_dᵀ, and its sums
                ns = n0 + tl.arange(0, BLOCK_N)
                acc = tl.zeros((BLOCK_R, BLOCK_N), dtype=ACC)
                for k0 in range(0, C, BLOCK_K):
                    ks = k0 + tl.arange(0, BLOCK_K)
                    g = tl.load(g_dst + rows[:, None] * RS + ks[None, :],
                                mask=rmask[:, None] & (ks[None, :] < C),
                                other=0.)
                    wt = tl.load(mat + ns[None, :] * C + ks[:, None],
                                 mask=(ks[:, None] < C) & (ns[None, :] < C),
                                 other=0.)             # (K, N) of M_dᵀ
                    acc += _dot(g.to(wt.dtype), wt, IEEE)
                x = _tile(src, rows, rmask, RS, ns, C, ACC)
                xn = tl.where(rmask[:, None] & (ns[None, :] < C),
                              (x - mean[:, None]) * rstd[:, None], 0.)
                s_t += tl.sum(acc, axis=1)
                s_tz += tl.sum(acc * xn, axis=1)
                tl.store(t_base + rows[:, None] * C + ns[None, :], acc,
                         mask=rmask[:, None] & (ns[None, :] < C))
            tl.debug_barrier()
            for n0 in range(0, C, BLOCK_N):  # G[src] += G[dst] + LNᵀ
                ns = n0 + tl.arange(0, BLOCK_N)
                t = _tile(t_base, rows, rmask, C, ns, C, ACC)
                x = _tile(src, rows, rmask, RS, ns, C, ACC)
                xn = (x - mean[:, None]) * rstd[:, None]
                dz = rstd[:, None] * (t - s_t[:, None] / C -
                                      xn * s_tz[:, None] / C)
                g = _tile(g_dst, rows, rmask, RS, ns, C, ACC)
                prev = _tile(g_src, rows, rmask, src_rs, ns, C, ACC)
                tl.store(g_src + rows[:, None] * src_rs + ns[None, :],
                         (prev + g + dz).to(G.dtype.element_ty),
                         mask=rmask[:, None] & (ns[None, :] < C))
            tl.debug_barrier()


def launch_setup(line: Tensor) -> tuple:
    """Grid and block sizes for an (R, L, C) line; tiles at least 16 wide."""
    R, _, C = line.shape
    width = max(16, min(64, triton.next_power_of_2(C)))
    # rows per program: small enough for ~128 programs a direction (one per
    # multiprocessor), at least 16 for tl.dot
    block_r = max(16, min(64, triton.next_power_of_2(triton.cdiv(R, 128))))
    ieee = line.dtype == torch.float64 or (  # fp32 follows torch's tf32 flag
        line.dtype == torch.float32 and not (
            line.is_cuda and torch.backends.cuda.matmul.allow_tf32))
    grid = (triton.cdiv(R, block_r), 2)
    acc = tl.float64 if line.dtype == torch.float64 else tl.float32
    return grid, dict(BLOCK_R=block_r, BLOCK_N=width, BLOCK_K=width,
                      IEEE=ieee, ACC=acc)


def right_mats(step: Tensor, step_neg) -> Tensor:
    """(2, C, C) [stepᵀ, step_negᵀ] (-stepᵀ for the mirror), for the kernels."""
    neg = -step if step_neg is None else step_neg
    return torch.stack([step.t(), neg.t()]).contiguous()


def triton_forward(seed: Tensor, step: Tensor, step_neg, n_pos: int,
                   n_neg: int, eps: float) -> Tensor:
    """seed (R, C) -> line (R, n_neg + 1 + n_pos, C), one kernel launch."""
    check_device(seed)
    R, C = seed.shape
    L = n_neg + 1 + n_pos
    line = seed.new_empty(R, L, C)
    line[:, n_neg] = seed
    grid, blocks = launch_setup(line)
    _finola_line_fwd[grid](line, right_mats(step, step_neg), R, L, C, n_neg,
                           n_pos, n_neg, eps, **blocks)
    return line


def triton_backward(line: Tensor, grad: Tensor, step: Tensor, step_neg,
                    n_pos: int, n_neg: int, eps: float) -> tuple:
    """dL/d(seed, step, step_neg); the walk back is one launch, the matrix
    grads one matmul per direction over all steps."""
    check_device(line)
    R, L, C = line.shape
    G = grad.clone()
    seed_grad = line.new_zeros(2, R, C)
    scratch = line.new_empty(2, R, C, dtype=torch.promote_types(
        line.dtype, torch.float32))                       # G[dst] M_dᵀ
    grid, blocks = launch_setup(line)
    _finola_line_bwd[grid](line, G, right_mats(step, step_neg), scratch,
                           seed_grad, R, L, C, n_neg, n_pos, n_neg, eps,
                           **blocks)
    s = n_neg
    zn = torch.nn.functional.layer_norm(line, (C, ), eps=eps)
    d_step = G[:, s + 1:].reshape(-1, C).t() @ zn[:, s:s + n_pos].reshape(
        -1, C)
    d_neg = G[:, :s].reshape(-1, C).t() @ zn[:, 1:s + 1].reshape(-1, C)
    d_seed = G[:, s] + seed_grad.sum(0)
    if step_neg is None:                                  # -step toward -
        return d_seed, d_step - d_neg, None
    return d_seed, d_step, d_neg
