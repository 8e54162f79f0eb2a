"""The fast FINOLA paths: impl='torch' (one autograd Function) and
impl='triton' (its kernels, on the CPU under TRITON_INTERPRET=1) against the
float64 position-by-position reference, gradcheck, and what backward keeps.
"""
import os
import subprocess
import sys

import pytest
import torch

from conftest import ROOT
from finola_mm.finola import FINOLA, complete_quadrants, finola_grow
from finola_mm.ops.finola_line import resolve_impl
from tools.device.finola_reference import (GROW_CASES, QUADRANT_CASES, gradcheck_grow,
                              gradcheck_quadrants, grow_case, quadrant_case)


@pytest.mark.parametrize('size,M,order,separate', GROW_CASES)
def test_torch_impl_matches_float64_reference(size, M, order, separate):
    grow_case('torch', *size, M, order, separate)


@pytest.mark.parametrize('visible,order,separate', QUADRANT_CASES)
def test_torch_impl_completes_quadrants_like_reference(visible, order,
                                                       separate):
    quadrant_case('torch', visible, order, separate)


@pytest.mark.parametrize('H,W', [(1, 1), (4, 4), (5, 3), (2, 5)])
@pytest.mark.parametrize('order', ['yx', 'xy'])
@pytest.mark.parametrize('separate', [False, True])
def test_torch_impl_gradcheck(H, W, order, separate):
    assert gradcheck_grow('torch', H, W, order, separate)


@pytest.mark.parametrize('visible', [(0, 0), (0, 1), (1, 0), (1, 1)])
@pytest.mark.parametrize('order', ['xy', 'yx'])
def test_torch_impl_gradcheck_quadrants(visible, order):
    assert gradcheck_quadrants('torch', visible, order, separate=False)


def test_triton_kernels_match_reference_under_the_interpreter():
    """A fresh process: TRITON_INTERPRET must be set before Triton loads."""
    env = dict(os.environ, TRITON_INTERPRET='1',
               PYTHONPATH=os.pathsep.join([ROOT, os.environ.get(
                   'PYTHONPATH', '')]))
    run = subprocess.run(
        [sys.executable, os.path.join(ROOT, 'tools', 'device', 'finola_reference.py'),
         'triton'], env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]
    assert 'triton: 32 grow + 16 quadrant cases, 4 multi-tile cases' in \
        run.stdout


def saved_for_backward(fn):
    """Run fn; return its output and {storage ptr: nbytes} autograd keeps."""
    saved = {}

    def pack(t):
        saved[t.untyped_storage().data_ptr()] = t.untyped_storage().nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = fn()
    return out, saved


def test_function_saves_only_the_grown_lines():
    """Backward keeps the map itself (the output) and the seed column: no
    ẑ, no per-step copies; under half of what plain autograd keeps."""
    N, C, H, W = 3, 16, 7, 6
    q = torch.randn(N, C, requires_grad=True)
    A, B = (torch.randn(C, C, requires_grad=True) for _ in range(2))
    params = {A.untyped_storage().data_ptr(), B.untyped_storage().data_ptr()}

    def grow(impl):
        return saved_for_backward(
            lambda: finola_grow(q, A, B, H, W, impl=impl))

    out, saved = grow('torch')
    kept = {p: n for p, n in saved.items() if p not in params}
    map_bytes, column_bytes = out.numel() * 4, N * H * C * 4
    assert kept.pop(out.untyped_storage().data_ptr()) == map_bytes
    assert list(kept.values()) == [column_bytes]      # the column line
    _, ref_saved = grow('reference')
    ref_kept = sum(n for p, n in ref_saved.items() if p not in params)
    assert map_bytes + column_bytes <= 0.5 * ref_kept
    out.sum().backward()                               # and it still works
    assert q.grad is not None and A.grad.abs().sum() > 0


def test_quadrant_completion_keeps_its_two_lines_only():
    """The x/y cross and the diagonal chain: (2h + w + 2) entries of R rows,
    against 2 (2h + w) for autograd (z and ẑ of every step), so under 0.65x
    at h = w = 3 and toward 0.5x as the block grows."""
    N, C, h, w = 2, 16, 3, 3
    block = torch.randn(N, C, h, w, requires_grad=True)
    A, B = (torch.randn(C, C, requires_grad=True) for _ in range(2))
    params = {A.untyped_storage().data_ptr(), B.untyped_storage().data_ptr()}

    def kept(impl):
        _, saved = saved_for_backward(
            lambda: complete_quadrants(block, A, B, impl=impl))
        return sum(n for p, n in saved.items() if p not in params)

    entry = N * h * w * C * 4
    assert kept('torch') == (2 * h + w + 2) * entry
    assert kept('torch') <= 0.65 * kept('reference')


def test_module_impls_agree_and_bad_impl_is_named():
    torch.manual_seed(0)
    ref = FINOLA(8, num_paths=2, negative_steps='separate', init_std=1.,
                 impl='reference')
    fast = FINOLA(8, num_paths=2, negative_steps='separate', init_std=1.,
                  impl='torch')
    fast.load_state_dict(ref.state_dict())             # same parameters
    q = torch.randn(3, 16)
    torch.testing.assert_close(fast(q, 5, 4), ref(q, 5, 4))
    block = torch.randn(3, 16, 2, 2)
    torch.testing.assert_close(fast.complete_block(block, (1, 1)),
                               ref.complete_block(block, (1, 1)))
    assert resolve_impl('auto', torch.device('cpu')) == 'torch'
    with pytest.raises(ValueError, match=r"impl must be one of"):
        FINOLA(8, impl='cuda')


@pytest.mark.skipif(os.environ.get('TRITON_INTERPRET') == '1',
                    reason='the interpreter runs Triton on the CPU')
def test_triton_on_cpu_tensors_says_what_to_use():
    with pytest.raises(RuntimeError, match=r"impl='torch'"):
        finola_grow(torch.randn(2, 4), torch.eye(4), torch.eye(4), 3, 3,
                    impl='triton')


def test_auto_falls_back_to_torch_with_one_warning_if_the_kernel_fails(
        monkeypatch):
    """impl='auto' on CUDA runs Triton; a kernel that fails to compile or
    launch (forced here) warns once, the PyTorch path gives the same line
    and gradients, and 'auto' picks 'torch' from then on. An explicit
    impl='triton' raises."""
    import warnings

    from finola_mm.ops import finola_line, finola_line_triton
    from finola_mm.ops.finola_line import AUTO_TRITON, FINOLALineFunction

    def broken(*args):
        raise RuntimeError('forced: PTX compile failed')

    monkeypatch.setattr(finola_line_triton, 'triton_available', lambda: True)
    monkeypatch.setattr(finola_line, 'triton_failure', None)
    cuda = torch.device('cuda')     # resolve_impl reads only its type
    assert resolve_impl('auto', cuda) == AUTO_TRITON
    gen = torch.Generator().manual_seed(0)
    seed = torch.randn(3, 6, generator=gen)
    step = torch.randn(6, 6, generator=gen) * 0.2

    def line_and_grads(impl):
        s, m = seed.clone().requires_grad_(), step.clone().requires_grad_()
        out = FINOLALineFunction.apply(s, m, None, 2, 3, 1e-6, impl)
        out.pow(2).sum().backward()
        return out.detach(), s.grad, m.grad

    want = line_and_grads('torch')
    # the backward kernel fails (forward ran): same gradients, one warning
    monkeypatch.setattr(finola_line_triton, 'triton_forward',
                        finola_line.torch_forward)
    monkeypatch.setattr(finola_line_triton, 'triton_backward', broken)
    with pytest.warns(UserWarning, match=r"(?s)impl='auto'.*forced: PTX "
                      r"compile failed.*impl='torch'"):
        got = line_and_grads(AUTO_TRITON)
    for a, b in zip(got, want):
        torch.testing.assert_close(a, b)
    assert resolve_impl('auto', cuda) == 'torch'      # from now on
    # the forward kernel fails
    monkeypatch.setattr(finola_line, 'triton_failure', None)
    monkeypatch.setattr(finola_line_triton, 'triton_forward', broken)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        got = line_and_grads(AUTO_TRITON)
    assert len(caught) == 1 and 'forced' in str(caught[0].message)
    for a, b in zip(got, want):
        torch.testing.assert_close(a, b)
    with pytest.raises(RuntimeError, match='forced'):
        line_and_grads('triton')


def test_auto_on_cuda_resolves_once_through_block_wise_completion(
        monkeypatch):
    """complete_quadrants resolves impl='auto' and each of its grow_line
    calls resolves the result again: on CUDA that is AUTO_TRITON, which
    must pass (it raised 'impl must be one of', 2026-12-04, the first
    Masked FINOLA-B run on a GPU). The kernels are the PyTorch path here,
    so the block equals impl='torch'; after a kernel failure AUTO_TRITON
    resolves to 'torch'."""
    from finola_mm.finola import complete_quadrants
    from finola_mm.ops import finola_line, finola_line_triton
    from finola_mm.ops.finola_line import AUTO_TRITON

    monkeypatch.setattr(finola_line_triton, 'triton_available', lambda: True)
    monkeypatch.setattr(finola_line, 'triton_failure', None)
    monkeypatch.setattr(finola_line_triton, 'triton_forward',
                        finola_line.torch_forward)
    monkeypatch.setattr(finola_line_triton, 'triton_backward',
                        finola_line.torch_backward)
    cuda = torch.device('cuda')     # resolve_impl reads only its type
    assert resolve_impl(resolve_impl('auto', cuda, short_chains=True),
                        cuda) == AUTO_TRITON
    gen = torch.Generator().manual_seed(0)
    block = torch.randn(2, 6, 2, 3, generator=gen)
    A, B = (torch.randn(6, 6, generator=gen) * 0.2 for _ in range(2))
    torch.testing.assert_close(
        complete_quadrants(block, A, B, (1, 0), impl=AUTO_TRITON),
        complete_quadrants(block, A, B, (1, 0), impl='torch'))
    monkeypatch.setattr(finola_line, 'triton_failure', RuntimeError('x'))
    assert resolve_impl(AUTO_TRITON, cuda) == 'torch'
