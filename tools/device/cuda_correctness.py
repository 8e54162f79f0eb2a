"""impl='torch' and impl='triton' on CUDA against the float64 reference:
every grow and quadrant case of tools/device/finola_reference.py, then
one larger map per impl (C=512, 14x14, M=2) whose float32 error is printed."""
import torch

from tools.device import finola_reference as ref
from finola_mm.finola import multipath_finola_grow


def large_case(impl, C=512, H=14, W=14, M=2, N=8):
    gen = torch.Generator().manual_seed(0)
    q = torch.randn(N, M * C, generator=gen, dtype=torch.float64)
    A, B = (torch.randn(C, C, generator=gen, dtype=torch.float64) * 0.5 /
            C**0.5 for _ in range(2))
    want = multipath_finola_grow(q, M, A, B, H, W, impl='reference')
    got = multipath_finola_grow(*(t.float().cuda() for t in (q,)), M,
                                A.float().cuda(), B.float().cuda(), H, W,
                                impl=impl)
    return ref.rel_err(got.cpu(), want)


def main():
    torch.backends.cuda.matmul.allow_tf32 = False
    for impl in ('torch', 'triton'):
        worst = 0.
        for (H, W), M, order, separate in ref.GROW_CASES:
            worst = max(worst, *ref.grow_case(impl, H, W, M, order, separate,
                                              device='cuda'))
        for visible, order, separate in ref.QUADRANT_CASES:
            worst = max(worst, *ref.quadrant_case(impl, visible, order,
                                                  separate, device='cuda'))
        print(f'{impl} on CUDA: {len(ref.GROW_CASES)} grow + '
              f'{len(ref.QUADRANT_CASES)} quadrant cases pass, worst relative '
              f'error {worst:.1e}; C=512 14x14 M=2 map error '
              f'{large_case(impl):.1e}', flush=True)


if __name__ == '__main__':
    main()
