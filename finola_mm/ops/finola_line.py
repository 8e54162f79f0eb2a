"""FINOLA's line growth as one autograd Function (the fast path).

The maths is :func:`finola_mm.finola.grow_line_reference`: from a seed a
line grows both ways, z[k+1] = z[k] + ẑ[k] stepᵀ toward +index and z[k-1]
= z[k] + ẑ[k] step_negᵀ toward -index (step_neg = -step for the PDE's
mirror). Plain autograd keeps z and ẑ of every step, a graph node per op,
and a stacked copy of the line. Here the line is written once into one
(R, L, C) buffer that is the output, and backward keeps nothing else: it
recomputes ẑ from the line, walks the recurrence back (one matmul a step
for both directions) and gets each matrix's gradient with one matmul over
all steps::

    G[k]  = dL/dz[k] (total) = grad[k] + G[k'] + LNᵀ(z[k], G[k'] step)
    dstep = Σ_k G[k']ᵀ ẑ[k]            (k' the entry grown from k)

``impl`` picks who runs the steps: 'torch' (any device: one fused layer
norm and, under the mirror, one matmul a step for both directions) or
'triton' (one kernel for all forward steps and one for the backward walk;
CUDA, or the CPU under TRITON_INTERPRET=1). 'auto' picks 'triton' on
CUDA, and if its kernel then fails to compile or launch it warns once and
runs 'torch' from then on (an explicit 'triton' raises instead). See
docs/fast_finola.md.
"""
import warnings
from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor

IMPLS = ('auto', 'reference', 'torch', 'triton')
# what resolve_impl('auto') gives on CUDA: Triton, with the PyTorch path as
# the fallback if the kernel fails
AUTO_TRITON = 'auto:triton'
# the error that made 'auto' give up on Triton in this process, if any
triton_failure: Optional[BaseException] = None


def resolve_impl(impl: str, device: torch.device,
                 short_chains: bool = False) -> str:
    """'auto' -> Triton on CUDA when Triton imports (as :data:`AUTO_TRITON`,
    falling back to 'torch' if the kernel fails; after one failure, 'torch'
    straight away), else 'torch'. A resolved impl resolves to itself.

    ``short_chains`` (block-wise quadrant completion): on the CPU 'auto'
    keeps the autograd loop there, which measured faster for its few short
    chains (Masked FINOLA-B, docs/fast_finola.md).
    """
    if impl == AUTO_TRITON:  # already resolved: block-wise resolves, then
        # each of its grow_line calls resolves again
        return 'torch' if triton_failure is not None else impl
    if impl not in IMPLS:
        raise ValueError(f'FINOLA impl must be one of {IMPLS}, got {impl!r}.')
    if impl != 'auto':
        return impl
    if device.type == 'cuda' and triton_failure is None:
        from .finola_line_triton import triton_available
        if triton_available():
            return AUTO_TRITON
    return 'reference' if short_chains else 'torch'


def work_slots(n_pos: int, n_neg: int) -> Tensor:
    """Line index of every slot of the step-major work layout, (n + 1, 2).

    Work is (n + 1, 2, R, C): slot [i, 0] is the entry i steps toward +,
    [i, 1] the one i steps toward -, so one step reads and writes one dense
    (2, R, C) block and one matmul serves both directions. Slots past a
    direction's end repeat its last entry (and carry no gradient).
    """
    i = torch.arange(max(n_pos, n_neg) + 1)
    return torch.stack([n_neg + i.clamp_max(n_pos),
                        n_neg - i.clamp_max(n_neg)], 1)


def line_order(n_pos: int, n_neg: int) -> Tensor:
    """Flat work slot of every line entry (L,): the line is work[line_order]."""
    neg = 2 * torch.arange(n_neg, 0, -1) + 1              # [i, 1], i = n..1
    pos = 2 * torch.arange(0, n_pos + 1)                  # [i, 0], i = 0..n
    return torch.cat([neg, pos])


def live_directions(i: int, n_pos: int, n_neg: int) -> list:
    """The work columns that take step i (1-based)."""
    return [j for j, n in enumerate((n_pos, n_neg)) if i <= n]


def torch_forward(seed: Tensor, step: Tensor, step_neg: Optional[Tensor],
                  n_pos: int, n_neg: int, eps: float) -> Tensor:
    """seed (R, C) -> line (R, n_neg + 1 + n_pos, C), seed at n_neg.

    One layer norm a step for both directions; under the mirror (step_neg
    None, i.e. -step) one (2R, C) @ (C, C) matmul on sign-flipped ẑ too.
    The line comes out row-major, so a grown map is channels-last (N, H, W,
    C) in memory, the layout convolutions and upsampling are fast on.
    """
    R, C = seed.shape
    n = max(n_pos, n_neg)
    mats = (step.t(), (-step if step_neg is None else step_neg).t())
    work = seed.new_empty(n + 1, 2, R, C)
    work[0] = seed
    for i in range(1, n + 1):
        live = live_directions(i, n_pos, n_neg)
        src, dst = work[i - 1], work[i]
        if len(live) == 1:                                # one has ended
            j = live[0]
            torch.addmm(src[j], F.layer_norm(src[j], (C, ), eps=eps),
                        mats[j], out=dst[j])
            continue
        zn = F.layer_norm(src, (C, ), eps=eps)            # (2, R, C)
        if step_neg is None:
            zn[1].neg_()
            torch.addmm(src.view(2 * R, C), zn.view(2 * R, C), step.t(),
                        out=dst.view(2 * R, C))
        else:
            for j in range(2):
                torch.addmm(src[j], zn[j], mats[j], out=dst[j])
    order = line_order(n_pos, n_neg).to(seed.device)
    return work.view(-1, R, C).transpose(0, 1).index_select(1, order)


def layer_norm_backward(grad: Tensor, z: Tensor, mean: Tensor,
                        rstd: Tensor) -> Tensor:
    """dL/dz of ẑ = layer_norm(z) (no affine) given dL/dẑ, fused.

    All four must be dense: the fused kernel ignores strides.
    """
    return torch.ops.aten.native_layer_norm_backward(
        grad, z, [z.shape[-1]], mean, rstd, None, None,
        [True, False, False])[0]


def torch_backward(line: Tensor, grad: Tensor, step: Tensor,
                   step_neg: Optional[Tensor], n_pos: int, n_neg: int,
                   eps: float) -> tuple:
    """dL/d(seed, step, step_neg) from dL/dline (R, L, C).

    In the work layout, from the far ends in: G[i-1] += G[i] + LNᵀ(z[i-1],
    G[i] step), G the total grads; then dstep = Σᵢ G[i]ᵀ ẑ[i-1], one matmul
    over all steps (both directions at once under the mirror).
    """
    R, L, C = line.shape
    n = max(n_pos, n_neg)
    if n == 0:
        return grad[:, 0], torch.zeros_like(step), (
            None if step_neg is None else torch.zeros_like(step_neg))
    index = work_slots(n_pos, n_neg).to(line.device)
    G = grad.transpose(0, 1).index_select(0, index.flatten()).view(
        n + 1, 2, R, C)
    G[n_pos + 1:, 0] = 0                                  # past the + end
    G[n_neg + 1:, 1] = 0                                  # past the - end
    G[0, 1] = 0                                           # the seed, once
    Z = line.transpose(0, 1).index_select(0, index[:n].flatten())
    zn, mean, rstd = torch.native_layer_norm(Z, (C, ), None, None, eps)
    Z, zn, mean, rstd = (t.view(n, 2, R, -1) for t in (Z, zn, mean, rstd))
    mats = (step, -step if step_neg is None else step_neg)  # dẑ = G @ these
    for i in range(n, 0, -1):
        dirs = live_directions(i, n_pos, n_neg)
        if len(dirs) == 1:
            j = dirs[0]
            d_src = layer_norm_backward(G[i, j] @ mats[j], Z[i - 1, j],
                                        mean[i - 1, j], rstd[i - 1, j])
            G[i - 1, j].add_(G[i, j]).add_(d_src)
            continue
        if step_neg is None:
            t = (G[i].view(2 * R, C) @ step).view(2, R, C)
            t[1].neg_()
        else:
            t = torch.stack([G[i, 0] @ step, G[i, 1] @ step_neg])
        G[i - 1].add_(G[i]).add_(layer_norm_backward(
            t, Z[i - 1], mean[i - 1], rstd[i - 1]))
    if step_neg is None:                                  # -step toward -
        zn[:, 1].neg_()
        return G[0].sum(0), G[1:].view(-1, C).t() @ zn.view(-1, C), None
    d_step, d_neg = (G[1:, j].reshape(-1, C).t() @ zn[:, j].reshape(-1, C)
                     for j in range(2))
    return G[0].sum(0), d_step, d_neg


def compute_dtype(seed: Tensor) -> torch.dtype:
    """Autocast's dtype when it is on for the seed's device, else seed's."""
    device = seed.device.type
    if device in ('cuda', 'cpu') and torch.is_autocast_enabled(device):
        return torch.get_autocast_dtype(device)
    return seed.dtype


def run_impl(impl: str, part: str, *args) -> tuple:
    """(result, impl that ran) of the forward or backward ``part`` under
    ``impl``; under :data:`AUTO_TRITON` a kernel that fails to compile or
    launch is reported once and the PyTorch path runs instead."""
    global triton_failure
    if impl in ('triton', AUTO_TRITON):
        try:
            from . import finola_line_triton
            return getattr(finola_line_triton, f'triton_{part}')(*args), impl
        except Exception as err:  # a compile or launch error, any type
            if impl == 'triton':
                raise
            triton_failure = err
            warnings.warn(
                f"FINOLA impl='auto': the Triton kernel failed "
                f"({type(err).__name__}: {err}); running the PyTorch path "
                f"(impl='torch') from now on. Set impl='torch' to silence "
                f"this, or impl='triton' to see the error raised.")
    fn = torch_forward if part == 'forward' else torch_backward
    return fn(*args), 'torch'


class FINOLALineFunction(torch.autograd.Function):
    """seed (R, C) -> line (R, n_neg + 1 + n_pos, C); saves only the line.

    The line is also the output, so backward costs no memory beyond it.
    """

    @staticmethod
    def forward(ctx, seed, step, step_neg, n_pos, n_neg, eps, impl):
        dtype = compute_dtype(seed)
        seed, step_c = seed.to(dtype), step.to(dtype)
        neg_c = None if step_neg is None else step_neg.to(dtype)
        with torch.autocast(seed.device.type, enabled=False):
            line, impl = run_impl(impl, 'forward', seed, step_c, neg_c,
                                  n_pos, n_neg, eps)
        ctx.save_for_backward(line, step, step_neg)
        ctx.setup = (n_pos, n_neg, eps, impl, seed.dtype)
        return line

    @staticmethod
    def backward(ctx, grad):
        line, step, step_neg = ctx.saved_tensors
        n_pos, n_neg, eps, impl, seed_dtype = ctx.setup
        step_c = step.to(line.dtype)
        neg_c = None if step_neg is None else step_neg.to(line.dtype)
        with torch.autocast(line.device.type, enabled=False):
            grad = grad.to(line.dtype).contiguous()
            (d_seed, d_step, d_neg), _ = run_impl(
                impl, 'backward', line, grad, step_c, neg_c, n_pos, n_neg,
                eps)
        return (d_seed.to(seed_dtype), d_step.to(step.dtype),
                None if d_neg is None else d_neg.to(step_neg.dtype), None,
                None, None, None)


def grow_line_fused(seed: Tensor, step: Tensor, step_neg: Optional[Tensor],
                    n_pos: int, n_neg: int, eps: float,
                    impl: str = 'torch') -> Tensor:
    """:func:`finola_mm.finola.grow_line_reference` through the Function.

    Args:
        seed (Tensor): (..., C). Returns (..., n_neg + 1 + n_pos, C), a
            view of the (R, L, C) buffer the Function saves.
    """
    lead, C = seed.shape[:-1], seed.shape[-1]
    line = FINOLALineFunction.apply(seed.reshape(-1, C), step, step_neg,
                                    n_pos, n_neg, eps, impl)
    return line.view(*lead, line.shape[1], C)
