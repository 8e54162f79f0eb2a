"""FINOLA's line growth as one autograd Function (the fast path).

The maths is :func:`finola_mm.finola.grow_line_reference`: from a seed z_s a
line grows both ways, z[k+1] = z[k] + ẑ[k] Pᵀ toward +index and z[k-1] =
z[k] + ẑ[k] Nᵀ toward -index (N = -P for the PDE's mirror). Plain autograd
keeps z and ẑ for every step, a graph node per op, and a stacked copy of the
line. Here the line is written once into one (L, R, C) buffer that is the
output, and backward keeps nothing else: it recomputes ẑ from the line, runs
the recurrence backward (one matmul per step for both directions) and gets
dP, dN with one matmul each over all steps::

    G[k]   = dL/dz[k] (total)  = grad[k] + G[k±1] + LNᵀ(z[k], G[k±1] M)
    dPᵀ    = Σ_k ẑ[k]ᵀ G[k+1]  (one (C, n·R) @ (n·R, C) matmul)

``impl`` picks who runs the per-step loop: 'torch' (any device, one
batched matmul + one fused layer norm a step) or 'triton' (one kernel for
the whole forward and one for the backward loop, each program keeping its
row block in flight across steps; CUDA, or the CPU under TRITON_INTERPRET=1).
"""
from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor

IMPLS = ('auto', 'reference', 'torch', 'triton')


def resolve_impl(impl: str, device: torch.device) -> str:
    """'auto' -> 'triton' on CUDA when Triton imports, else 'torch'."""
    if impl not in IMPLS:
        raise ValueError(f'FINOLA impl must be one of {IMPLS}, got {impl!r}.')
    if impl != 'auto':
        return impl
    if device.type == 'cuda':
        from .finola_line_triton import triton_available
        if triton_available():
            return 'triton'
    return 'torch'


def step_mats(step: Tensor, step_neg: Optional[Tensor]) -> Tensor:
    """(2, C, C) right-multiply matrices [Pᵀ, Nᵀ] for the +/- directions."""
    neg = -step if step_neg is None else step_neg
    return torch.stack([step.t(), neg.t()])


def line_steps(n_pos: int, n_neg: int) -> list:
    """Per step, the (direction, source, target) line indices it grows.

    Step i (1-based) grows k = s + i from s + i - 1 with M₀ and k = s - i
    from s - i + 1 with M₁, while each direction has steps left.
    """
    s = n_neg
    return [[(d, s + sign * (i - 1), s + sign * i)
             for d, sign, n in ((0, 1, n_pos), (1, -1, n_neg)) if i <= n]
            for i in range(1, max(n_pos, n_neg) + 1)]


def torch_forward(seed: Tensor, mats: Tensor, n_pos: int, n_neg: int,
                  eps: float) -> Tensor:
    """seed (R, C) -> line (n_neg + 1 + n_pos, R, C), seed at n_neg.

    Every step writes straight into the line: one layer norm and one
    addmm per direction, no other buffer.
    """
    R, C = seed.shape
    line = seed.new_empty(n_neg + 1 + n_pos, R, C)
    line[n_neg] = seed
    for step in line_steps(n_pos, n_neg):
        for d, src, dst in step:
            z = line[src]
            torch.addmm(z, F.layer_norm(z, (C, ), eps=eps), mats[d],
                        out=line[dst])
    return line


def layer_norm_backward(grad: Tensor, z: Tensor, mean: Tensor,
                        rstd: Tensor) -> Tensor:
    """dL/dz of ẑ = layer_norm(z) (no affine) given dL/dẑ, fused.

    All four must be dense: the fused kernel ignores strides.
    """
    return torch.ops.aten.native_layer_norm_backward(
        grad, z, [z.shape[-1]], mean, rstd, None, None,
        [True, False, False])[0]


def line_matrix_grads(G: Tensor, zn: Tensor, n_pos: int,
                      n_neg: int) -> Tensor:
    """dL/dmats (2, C, C) from the total grads G and ẑ of a line (L, R, C).

    z[k+1] = z[k] + ẑ[k] M₀ toward +, z[k-1] = z[k] + ẑ[k] M₁ toward -,
    so dMⱼ = Σₖ ẑ[source]ᵀ G[target]: one matmul over contiguous slabs.
    """
    C, s = G.shape[-1], n_neg
    return torch.stack([
        zn[s:s + n_pos].reshape(-1, C).t() @ G[s + 1:].reshape(-1, C),
        zn[1:s + 1].reshape(-1, C).t() @ G[:s].reshape(-1, C)])


def torch_backward(line: Tensor, grad: Tensor, mats: Tensor, n_pos: int,
                   n_neg: int, eps: float) -> tuple:
    """dL/dseed (R, C) and dL/dmats (2, C, C) from dL/dline (L, R, C).

    Walks the steps backward: G[src] += G[dst] + LNᵀ(z[src], G[dst] Mᵀ),
    G the total grads (grad plus everything grown from the entry).
    """
    C = line.shape[-1]
    zn, mean, rstd = torch.native_layer_norm(line, (C, ), None, None, eps)
    G = grad.clone()
    MT = mats.transpose(1, 2).contiguous()
    for step in reversed(line_steps(n_pos, n_neg)):
        for d, src, dst in step:
            G[src] += G[dst] + layer_norm_backward(G[dst] @ MT[d], line[src],
                                                   mean[src], rstd[src])
    return G[n_neg], line_matrix_grads(G, zn, n_pos, n_neg)


def compute_dtype(seed: Tensor) -> torch.dtype:
    """Autocast's dtype when it is on for the seed's device, else seed's."""
    device = seed.device.type
    if device in ('cuda', 'cpu') and torch.is_autocast_enabled(device):
        return torch.get_autocast_dtype(device)
    return seed.dtype


class FINOLALineFunction(torch.autograd.Function):
    """seed (R, C) -> line (n_neg + 1 + n_pos, R, C); saves only the line.

    The line is also the output, so backward costs no memory beyond it.
    """

    @staticmethod
    def forward(ctx, seed, step, step_neg, n_pos, n_neg, eps, impl):
        dtype = compute_dtype(seed)
        mats = step_mats(step, step_neg).to(dtype)
        with torch.autocast(seed.device.type, enabled=False):
            if impl == 'triton':
                from .finola_line_triton import triton_forward
                line = triton_forward(seed.to(dtype), mats, n_pos, n_neg, eps)
            else:
                line = torch_forward(seed.to(dtype), mats, n_pos, n_neg, eps)
        ctx.save_for_backward(line, step, step_neg)
        ctx.setup = (n_pos, n_neg, eps, impl, seed.dtype)
        return line

    @staticmethod
    def backward(ctx, grad):
        line, step, step_neg = ctx.saved_tensors
        n_pos, n_neg, eps, impl, seed_dtype = ctx.setup
        mats = step_mats(step, step_neg).to(line.dtype)
        with torch.autocast(line.device.type, enabled=False):
            grad = grad.to(line.dtype).contiguous()
            if impl == 'triton':
                from .finola_line_triton import triton_backward
                backward = triton_backward
            else:
                backward = torch_backward
            d_seed, d_mats = backward(line, grad, mats, n_pos, n_neg, eps)
        d_step, d_neg = d_mats[0].t(), d_mats[1].t()       # mats hold stepᵀ
        if step_neg is None:                              # N = -step
            d_step, d_neg = d_step - d_neg, None
        else:
            d_neg = d_neg.to(step_neg.dtype)
        return (d_seed.to(seed_dtype), d_step.to(step.dtype), d_neg, None,
                None, None, None)


def grow_line_fused(seed: Tensor, step: Tensor, step_neg: Optional[Tensor],
                    n_pos: int, n_neg: int, eps: float,
                    impl: str = 'torch') -> Tensor:
    """:func:`finola_mm.finola.grow_line_reference` through the Function.

    Args:
        seed (Tensor): (..., C). Returns (..., n_neg + 1 + n_pos, C), a
            view of the (L, R, C) buffer the Function saves.
    """
    lead, C = seed.shape[:-1], seed.shape[-1]
    line = FINOLALineFunction.apply(seed.reshape(-1, C), step, step_neg,
                                    n_pos, n_neg, eps, impl)
    return line.transpose(0, 1).reshape(*lead, line.shape[0], C)
