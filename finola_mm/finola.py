"""FINOLA: First-Order Norm+Linear Autoregression (arXiv 2310.12976).

One vector q grows a whole latent map z with two matrices A and B shared by
every image and position::

    z(x+1, y) = z(x, y) + A ẑ(x, y)
    z(x, y+1) = z(x, y) + B ẑ(x, y)
    ẑ = (z - mean_C(z)) / std_C(z)          # over channels, no affine

q sits at the centre (H//2, W//2). The parallel scheme grows the centre line
along the first axis, then every line along the second axis at once. The
positive and negative directions advance together in one matmul, so an H x W
map takes about H/2 + W/2 sequential steps, not H*W.

Multi-path FINOLA splits q of size M*C into M seeds of size C that share A and
B, grows each, and aggregates the M maps (a sum of PDE solutions is one).

Block-wise Masked FINOLA (``complete_quadrants``) starts from a visible
quadrant of latents instead of one q: every position steps h or w times to
predict its partner in each of the three masked quadrants.

A grown map satisfies the equation of the axis it was grown along last
exactly; ``step_residuals`` measures both equations at every edge, and
``wave_consistency_loss`` pulls a map toward solving both (so that growing
it yx or xy would agree).

This module has no registry and no config: it is the maths. The registered
neck in ``finola_mm.models.necks`` wraps it.
"""
from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .ops.finola_line import IMPLS, grow_line_fused, resolve_impl

AXIS_ORDERS = ('yx', 'xy')
NEGATIVE_STEPS = ('mirror', 'separate')
AGGREGATIONS = ('sum', 'mean')


def check_option(name: str, value: str, allowed: tuple) -> None:
    if value not in allowed:
        raise ValueError(f'FINOLA {name} must be one of {allowed}, '
                         f'got {value!r}.')


def channel_norm(z: Tensor, eps: float) -> Tensor:
    """ẑ: normalise over the last (channel) dim, no learned affine.

    ``std`` is the biased one, as in LayerNorm: ẑ = (z - μ) / sqrt(σ² + eps).
    """
    return F.layer_norm(z, z.shape[-1:], eps=eps)


def grow_line(seed: Tensor, step: Tensor, step_neg: Optional[Tensor],
              n_pos: int, n_neg: int, eps: float,
              impl: str = 'auto') -> Tensor:
    """:func:`grow_line_reference`, run by ``impl`` (see :data:`IMPLS`).

    'reference' is the autograd loop below; 'torch' and 'triton' are the
    same maths as one autograd Function that saves only the line
    (:mod:`finola_mm.ops.finola_line`); 'auto' picks 'triton' on CUDA
    (falling back to 'torch', with one warning, if the kernel fails to
    compile or launch) and 'torch' elsewhere.
    """
    impl = resolve_impl(impl, seed.device)
    if impl == 'reference':
        return grow_line_reference(seed, step, step_neg, n_pos, n_neg, eps)
    return grow_line_fused(seed, step, step_neg, n_pos, n_neg, eps, impl)


def grow_line_reference(seed: Tensor, step: Tensor,
                        step_neg: Optional[Tensor], n_pos: int, n_neg: int,
                        eps: float) -> Tensor:
    """Grow a 1-D line of latents from a seed in both directions.

    Forward: z[i+1] = z[i] + step ẑ[i]; backward: z[i-1] = z[i] + step_neg
    ẑ[i]. Both directions advance together, one matmul per step.

    Args:
        seed (Tensor): (..., C), the latent at the line's anchor.
        step (Tensor): (C, C) matrix for the positive direction.
        step_neg (Tensor, optional): (C, C) matrix for the negative
            direction; None means -step (then one (2R, C) @ (C, C) matmul
            with a per-row sign serves both directions).
        n_pos (int): steps toward +index.
        n_neg (int): steps toward -index.
        eps (float): norm epsilon.

    Returns:
        Tensor: (..., n_neg + 1 + n_pos, C), index n_neg holds the seed.
    """
    lead, C = seed.shape[:-1], seed.shape[-1]
    flat = seed.reshape(-1, C)                           # (R, C)
    R = flat.shape[0]
    z = torch.cat([flat, flat])                          # (2R, C): +, -
    if step_neg is None:
        sign = torch.cat([flat.new_ones(R, 1), -flat.new_ones(R, 1)])

        def advance(z):                                  # z ± ẑ stepᵀ
            return torch.addmm(z, channel_norm(z, eps) * sign, step.t())
    else:
        mats = torch.stack([step.t(), step_neg.t()])     # (2, C, C)

        def advance(z):
            zn = channel_norm(z, eps).view(2, R, C)
            return torch.baddbmm(z.view(2, R, C), zn, mats).view(2 * R, C)

    pos, neg = [], []
    for i in range(max(n_pos, n_neg)):
        z = advance(z)                                   # (2R, C)
        if i < n_pos:
            pos.append(z[:R])
        if i < n_neg:
            neg.append(z[R:])
    line = torch.stack(neg[::-1] + [flat] + pos, dim=1)  # (R, L, C)
    return line.reshape(*lead, line.shape[1], C)


def finola_grow(q: Tensor,
                A: Tensor,
                B: Tensor,
                height: int,
                width: int,
                A_neg: Optional[Tensor] = None,
                B_neg: Optional[Tensor] = None,
                axis_order: str = 'yx',
                eps: float = 1e-6,
                impl: str = 'auto') -> Tensor:
    """Grow an (N, C, H, W) latent map from single-path seeds q (N, C).

    Args:
        q (Tensor): (N, C) initial conditions, placed at (H//2, W//2).
        A (Tensor): (C, C) step matrix along x (width).
        B (Tensor): (C, C) step matrix along y (height).
        height (int): H >= 1.
        width (int): W >= 1.
        A_neg, B_neg (Tensor, optional): matrices for steps toward -x / -y.
            None means the PDE's mirror, -A / -B.
        axis_order (str): 'yx' grows the centre column along y, then all rows
            along x (the paper's scheme); 'xy' the transpose.
        eps (float): norm epsilon.
        impl (str): who runs the steps, see :func:`grow_line`.

    Returns:
        Tensor: (N, C, H, W).
    """
    if height < 1 or width < 1:
        raise ValueError(f'FINOLA map size must be at least 1x1, got '
                         f'height={height}, width={width}; set the latent '
                         f'size to positive integers.')
    check_option('axis_order', axis_order, AXIS_ORDERS)
    cy, cx = height // 2, width // 2
    y_steps = (height - 1 - cy, cy)                      # (+y, -y)
    x_steps = (width - 1 - cx, cx)                       # (+x, -x)
    if axis_order == 'yx':
        col = grow_line(q, B, B_neg, *y_steps, eps, impl)      # (N, H, C)
        z = grow_line(col, A, A_neg, *x_steps, eps, impl)      # (N, H, W, C)
        return z.permute(0, 3, 1, 2)
    row = grow_line(q, A, A_neg, *x_steps, eps, impl)          # (N, W, C)
    z = grow_line(row, B, B_neg, *y_steps, eps, impl)          # (N, W, H, C)
    return z.permute(0, 3, 2, 1)


def multipath_finola_grow(q: Tensor,
                          num_paths: int,
                          A: Tensor,
                          B: Tensor,
                          height: int,
                          width: int,
                          aggregation: str = 'sum',
                          **kwargs) -> Tensor:
    """Multi-path FINOLA: q (N, M*C) -> M maps sharing A, B -> (N, C, H, W).

    ``kwargs`` go to :func:`finola_grow`.
    """
    N, MC = q.shape
    if num_paths < 1 or MC % num_paths:
        raise ValueError(f'q has {MC} channels, which is not divisible by '
                         f'num_paths={num_paths}; make the encoder output '
                         f'num_paths * channels.')
    C = MC // num_paths
    if A.shape != (C, C) or B.shape != (C, C):
        raise ValueError(f'q of size {MC} over {num_paths} paths needs '
                         f'{C}x{C} matrices, got A {tuple(A.shape)} and B '
                         f'{tuple(B.shape)}.')
    check_option('aggregation', aggregation, AGGREGATIONS)
    z = finola_grow(q.reshape(N * num_paths, C), A, B, height, width,
                    **kwargs)                            # (N*M, C, H, W)
    return aggregate_paths(z.reshape(N, num_paths, C, height, width),
                           aggregation)


def aggregate_paths(paths: Tensor, aggregation: str) -> Tensor:
    """(N, M, C, H, W) -> (N, C, H, W); one path is returned as a view.

    The grown maps are permuted views; reducing one over M is 2-3x slower
    on the CPU than reducing it in memory order and permuting back.
    """
    if paths.shape[1] == 1:
        return paths[:, 0]
    order = sorted(range(5), key=lambda d: -paths.stride(d))
    dense = paths.permute(order)                       # strides decreasing
    out = (dense.sum if aggregation == 'sum' else dense.mean)(order.index(1))
    kept = [d for d in order if d != 1]                # out's dims, in order
    return out.permute([kept.index(d) for d in (0, 2, 3, 4)])


def step_residuals(z: Tensor, A: Tensor, B: Tensor,
                   A_neg: Optional[Tensor] = None,
                   B_neg: Optional[Tensor] = None,
                   eps: float = 1e-6) -> tuple:
    """How far a map is from solving both FINOLA equations, per edge.

    Each edge between neighbours is compared with the step that grows it
    from its end nearer the centre (H//2, W//2): z_far - z_near = A ẑ(near)
    toward +x and A_neg ẑ(near) toward -x (-A when None), likewise B along
    y. No inverse is needed. The axis a map was grown along last is zero by
    construction; the other axis says whether the map solves both equations
    (the yx- and xy-grown maps agree exactly when both are zero).

    Args:
        z (Tensor): (N, C, H, W) single-path maps.

    Returns:
        tuple: ``(sq_x, diff_x, sq_y, diff_y)``: squared residual norms
        (N, H, W-1) and (N, H-1, W), and the squared norms of the
        differences they are relative to (same shapes).
    """
    def along_rows(z, step, step_neg):                # edges along dim 2
        L = z.shape[2]
        forward = (torch.arange(L - 1, device=z.device) >= L // 2)
        forward = forward.view(1, 1, -1, 1)           # near end is i, not i+1
        near = torch.where(forward, z[:, :, :-1], z[:, :, 1:])
        diff = torch.where(forward, z[:, :, 1:] - near, z[:, :, :-1] - near)
        zn = channel_norm(near.movedim(1, -1), eps)   # (N, L-1, K, C)
        if step_neg is None:                          # mirror: -step
            sign = forward.movedim(1, -1).to(zn) * 2 - 1
            pred = (zn @ step.t()) * sign
        else:
            pred = torch.where(forward.movedim(1, -1), zn @ step.t(),
                               zn @ step_neg.t())
        res = diff - pred.movedim(-1, 1)              # (N, C, L-1, K)
        return res.pow(2).sum(1), diff.pow(2).sum(1)

    sq_y, diff_y = along_rows(z, B, B_neg)
    sq_x, diff_x = along_rows(z.transpose(2, 3), A, A_neg)
    return sq_x.transpose(1, 2), diff_x.transpose(1, 2), sq_y, diff_y


def wave_consistency_loss(z: Tensor, A: Tensor, B: Tensor,
                          A_neg: Optional[Tensor] = None,
                          B_neg: Optional[Tensor] = None,
                          eps: float = 1e-6) -> Tensor:
    """Relative squared residual of both equations over a batch of maps:
    sum of ||Δz - step ẑ||² / sum of ||Δz||², both axes (the grown one adds
    ~0). Zero iff the map solves both equations everywhere."""
    sq_x, dx, sq_y, dy = step_residuals(z, A, B, A_neg, B_neg, eps)
    return (sq_x.sum() + sq_y.sum()) / (dx.sum() + dy.sum()).clamp_min(1e-12)


def finola_steps(z: Tensor, step: Tensor, num_steps: int,
                 eps: float) -> Tensor:
    """Advance every row of z (R, C) ``num_steps`` times: z <- z + ẑ stepᵀ."""
    for _ in range(num_steps):
        z = torch.addmm(z, channel_norm(z, eps), step.t())
    return z


def complete_quadrants(block: Tensor,
                       A: Tensor,
                       B: Tensor,
                       visible: tuple = (0, 0),
                       A_neg: Optional[Tensor] = None,
                       B_neg: Optional[Tensor] = None,
                       axis_order: str = 'xy',
                       eps: float = 1e-6,
                       impl: str = 'auto') -> Tensor:
    """Block-wise FINOLA: one visible quadrant predicts the other three.

    Each visible position z(x, y) of the (h, w) block predicts the positions
    (x + w, y), (x, y + h) and (x + w, y + h) of the (2h, 2w) map by w, h
    and w + h FINOLA steps: all positions step together, one matmul a step.

    Args:
        block (Tensor): (N, C, h, w) latents of the visible quadrant.
        A, B (Tensor): (C, C) step matrices along x and y.
        visible (tuple): (row, col) of the visible quadrant in {0, 1}²;
            (0, 0) = top-left steps toward +x/+y, 1 steps toward -x/-y.
        A_neg, B_neg (Tensor, optional): matrices toward -x/-y; None = -A/-B.
        axis_order (str): the diagonal quadrant's path: 'xy' steps x then y.
        eps (float): norm epsilon.
        impl (str): who runs the steps, see :func:`grow_line`.

    Returns:
        Tensor: (N, C, 2h, 2w), the visible block in place, the rest grown.
    """
    check_option('axis_order', axis_order, AXIS_ORDERS)
    N, C, h, w = block.shape
    row, col = visible
    step_x = A if col == 0 else (-A if A_neg is None else A_neg)
    step_y = B if row == 0 else (-B if B_neg is None else B_neg)
    z = block.permute(0, 2, 3, 1).reshape(-1, C)          # (N*h*w, C)
    impl = resolve_impl(impl, block.device, short_chains=True)
    if impl == 'reference':
        beside = finola_steps(z, step_x, w, eps)          # other column
        below = finola_steps(z, step_y, h, eps)           # other row
        diagonal = (finola_steps(beside, step_y, h, eps)
                    if axis_order == 'xy' else
                    finola_steps(below, step_x, w, eps))
    else:  # x steps one way and y steps the other way of one line
        cross = grow_line(z, step_x, step_y, w, h, eps, impl)  # (R, h+1+w, C)
        below, beside = cross[:, 0], cross[:, -1]
        first, step, n = ((beside, step_y, h) if axis_order == 'xy' else
                          (below, step_x, w))
        diagonal = grow_line(first, step, None, n, 0, eps, impl)[:, -1]
    tiles = [[z, beside], [below, diagonal]]              # relative to block
    if row:
        tiles = tiles[::-1]
    if col:
        tiles = [t[::-1] for t in tiles]
    tiles = [[t.view(N, h, w, C) for t in r] for r in tiles]
    full = torch.cat([torch.cat(r, dim=2) for r in tiles], dim=1)
    return full.permute(0, 3, 1, 2)                       # (N, C, 2h, 2w)


class FINOLA(nn.Module):
    """The FINOLA operator with its learned matrices.

    Args:
        channels (int): C, the size of one path's seed and of the map.
        num_paths (int): M; q has M*C channels. Defaults to 1.
        negative_steps (str): 'mirror' uses -A/-B toward -x/-y (the PDE);
            'separate' learns two more matrices. Defaults to 'mirror'.
        axis_order (str): 'yx' (paper) or 'xy'. Defaults to 'yx'.
        aggregation (str): how M maps combine, 'sum' (paper) or 'mean'.
        eps (float): norm epsilon. Defaults to 1e-6.
        init_std (float): std of the matrices' normal init, scaled by
            1/sqrt(C) so a step changes z by O(init_std). Defaults to 0.1.
        seed_norm (bool): normalise each path's seed q over its C channels
            (no affine) before growing. The step A ẑ has a fixed size
            whatever |q| is, so this fixes the step-to-seed ratio at
            about init_std. Defaults to False (q as the encoder gives it).
        impl (str): who runs the recurrence: 'reference' (the autograd loop
            of :func:`grow_line_reference`), 'torch' (one autograd Function
            that saves only the grown map), 'triton' (the same Function with
            one kernel for all steps; CUDA) or 'auto' ('triton' on CUDA,
            falling back to 'torch' with one warning if the kernel fails;
            else 'torch'). Same maths, same parameters. Defaults to 'auto'.
    """

    def __init__(self,
                 channels: int,
                 num_paths: int = 1,
                 negative_steps: str = 'mirror',
                 axis_order: str = 'yx',
                 aggregation: str = 'sum',
                 eps: float = 1e-6,
                 init_std: float = 0.1,
                 seed_norm: bool = False,
                 impl: str = 'auto') -> None:
        super().__init__()
        check_option('impl', impl, IMPLS)
        check_option('negative_steps', negative_steps, NEGATIVE_STEPS)
        check_option('axis_order', axis_order, AXIS_ORDERS)
        check_option('aggregation', aggregation, AGGREGATIONS)
        for name, value in (('channels', channels), ('num_paths', num_paths)):
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f'FINOLA {name} must be an int, got '
                                f'{value!r} ({type(value).__name__}); write '
                                f'e.g. {name}=512 without quotes.')
        if channels < 1 or num_paths < 1:
            raise ValueError(f'FINOLA needs channels >= 1 and num_paths >= 1,'
                             f' got channels={channels}, '
                             f'num_paths={num_paths}.')
        self.channels, self.num_paths = channels, num_paths
        self.axis_order, self.aggregation, self.eps = axis_order, aggregation, eps
        self.negative_steps, self.seed_norm = negative_steps, seed_norm
        self.impl = impl
        std = init_std / channels**0.5
        self.A = nn.Parameter(torch.randn(channels, channels) * std)
        self.B = nn.Parameter(torch.randn(channels, channels) * std)
        if negative_steps == 'separate':
            self.A_neg = nn.Parameter(torch.randn(channels, channels) * std)
            self.B_neg = nn.Parameter(torch.randn(channels, channels) * std)
        else:
            self.A_neg = self.B_neg = None

    @property
    def in_channels(self) -> int:
        """Size of q: M*C."""
        return self.channels * self.num_paths

    def forward(self, q: Tensor, height: int, width: int) -> Tensor:
        """q (N, M*C) -> latent map (N, C, height, width)."""
        return self.aggregate(self.grow_paths(q, height, width))

    def _check_q(self, q: Tensor) -> None:
        if q.dim() != 2 or q.shape[1] != self.in_channels:
            raise ValueError(
                f'FINOLA expects q of shape (N, {self.in_channels}) '
                f'(num_paths={self.num_paths} x channels={self.channels}), '
                f'got {tuple(q.shape)}; set the encoder/pool output to '
                f'{self.in_channels}.')

    def grow_paths(self, q: Tensor, height: int, width: int) -> Tensor:
        """q (N, M*C) -> the M single-path maps (N, M, C, height, width)."""
        self._check_q(q)
        N = len(q)
        q = q.reshape(N * self.num_paths, self.channels)
        if self.seed_norm:
            q = channel_norm(q, self.eps)
        z = finola_grow(q, self.A, self.B, height, width, self.A_neg,
                        self.B_neg, self.axis_order, self.eps,
                        self.impl)                          # (N*M,C,H,W)
        return z.view(N, self.num_paths, self.channels, height, width)

    def aggregate(self, paths: Tensor) -> Tensor:
        """(N, M, C, H, W) path maps -> (N, C, H, W), summed or averaged."""
        return aggregate_paths(paths, self.aggregation)

    def consistency_loss(self, z: Tensor) -> Tensor:
        """:func:`wave_consistency_loss` of single-path maps (N, C, H, W)."""
        return wave_consistency_loss(z, self.A, self.B, self.A_neg,
                                     self.B_neg, self.eps)

    def complete_block(self, block: Tensor, visible: tuple) -> Tensor:
        """Block-wise: block (N, M*C, h, w) -> (N, C, 2h, 2w), M paths summed.

        See :func:`complete_quadrants`; ``visible`` is the block's quadrant.
        """
        N, MC, h, w = block.shape
        if MC != self.in_channels:
            raise ValueError(
                f'FINOLA expects a block of {self.in_channels} channels '
                f'(num_paths={self.num_paths} x channels={self.channels}), '
                f'got {MC}; set the projection to {self.in_channels}.')
        z = complete_quadrants(
            block.reshape(N * self.num_paths, self.channels, h, w), self.A,
            self.B, visible, self.A_neg, self.B_neg, self.axis_order,
            self.eps, self.impl).reshape(N, self.num_paths, self.channels, 2 * h, 2 * w)
        return self.aggregate(z)

    def extra_repr(self) -> str:
        return (f'channels={self.channels}, num_paths={self.num_paths}, '
                f'negative_steps={self.negative_steps!r}, '
                f'axis_order={self.axis_order!r}, '
                f'aggregation={self.aggregation!r}, '
                f'seed_norm={self.seed_norm}, impl={self.impl!r}')
