"""Benchmark: the FINOLA operator, forward + backward, by implementation,
against one matmul with the same FLOPs (N*M*H*W*C^2*2) and a naive
per-position loop.

Implementations (``impl`` of :class:`finola_mm.finola.FINOLA`):
'reference' is the plain autograd loop; 'torch' the autograd Function that
keeps only the grown map; 'triton' the same Function with one kernel for
the forward steps and one for the backward (CUDA only).

Prints a markdown table and writes JSON.

    python tools/benchmarks/finola_op.py                      # full sweep
    python tools/benchmarks/finola_op.py --sizes 16 --channels 128 --paths 1

Memory: "saved" is what autograd keeps for backward (by storage, the step
matrices excluded), counted with saved_tensors_hooks, and in brackets the
part of it that is not the output's own storage (memory the op costs on top
of its result); on CUDA also the peak allocated bytes of the step. On the CPU glibc is asked to keep freed blocks
(``--no-keep-freed`` to turn off): otherwise every multi-MiB temporary is
page-faulted in again, and timings of identical runs differ by up to 1.5x.
"""
import argparse
import json
import os
import os.path as osp
import platform
import time

import torch

from finola_mm.finola import channel_norm, multipath_finola_grow

EPS = 1e-6
MATMUL_TARGET = 1.2      # fast impl time / equal-FLOPs matmul, C >= 128
MEMORY_TARGET = 0.5      # fast impl saved bytes / reference's


def grow(impl):
    def run(q, A, B, M, H, W):
        return multipath_finola_grow(q, M, A, B, H, W, eps=EPS, impl=impl)
    return run


def naive_loop(q, A, B, M, H, W):
    """One position per sequential step, same order and maths as the paper."""
    N, C = q.shape[0], A.shape[0]
    seed = q.reshape(N * M, C)
    z = {}
    cy, cx = H // 2, W // 2
    z[cy, cx] = seed

    def step(src, mat):
        return src + channel_norm(src, EPS) @ mat.t()

    for y in range(cy + 1, H):
        z[y, cx] = step(z[y - 1, cx], B)
    for y in range(cy - 1, -1, -1):
        z[y, cx] = step(z[y + 1, cx], -B)
    for y in range(H):
        for x in range(cx + 1, W):
            z[y, x] = step(z[y, x - 1], A)
        for x in range(cx - 1, -1, -1):
            z[y, x] = step(z[y, x + 1], -A)
    rows = [torch.stack([z[y, x] for x in range(W)], -1) for y in range(H)]
    out = torch.stack(rows, -2)                           # (N*M, C, H, W)
    return out.reshape(N, M, C, H, W).sum(1)


def equal_flops_matmul(q, A, B, M, H, W):
    N, C = q.shape[0], A.shape[0]
    x = q.new_ones(N * M * H * W, C) * q.mean()  # depends on q for backward
    return x @ A


def measure(fn, q, A, B, M, H, W, repeat, device):
    """-> (median seconds of forward + backward, saved bytes, saved bytes
    beyond the output's own storage, CUDA peak bytes)."""
    def run():
        out = fn(q, A, B, M, H, W)
        out.sum().backward()
        return out

    saved = {}  # by storage, so a tensor saved by many ops counts once
    mats = {A.untyped_storage().data_ptr(), B.untyped_storage().data_ptr()}

    def pack(t):
        ptr = t.untyped_storage().data_ptr()
        if ptr not in mats:
            saved[ptr] = t.untyped_storage().nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = run()  # warm-up, and the memory count
    extra = sum(n for p, n in saved.items()
                if p != out.untyped_storage().data_ptr())
    peak = None
    if device.type == 'cuda':
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        run()
        torch.cuda.synchronize()
        peak = torch.cuda.max_memory_allocated()
    times = []
    for _ in range(repeat):
        q.grad = A.grad = B.grad = None
        t0 = time.perf_counter()
        run()
        if device.type == 'cuda':
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2], sum(saved.values()), extra, peak


def parse_args():
    p = argparse.ArgumentParser(description='FINOLA operator benchmark')
    p.add_argument('--sizes', type=int, nargs='+', default=[16, 32, 64])
    p.add_argument('--channels', type=int, nargs='+', default=[128, 512, 2048])
    p.add_argument('--paths', type=int, nargs='+', default=[1, 4])
    p.add_argument('--impls', nargs='+', default=None,
                   help="default: reference torch (+ triton on CUDA)")
    p.add_argument('--batch', type=int, default=None,
                   help='N (default: 8 on CPU, 64 on CUDA)')
    p.add_argument('--repeat', type=int, default=5)
    p.add_argument('--naive-max-size', type=int, default=32,
                   help='skip the naive loop above this H=W (it is slow)')
    p.add_argument('--device', default='cuda' if torch.cuda.is_available()
                   else 'cpu')
    p.add_argument('--dtype', default='float32',
                   choices=['float32', 'bfloat16', 'float16'])
    p.add_argument('--no-keep-freed', action='store_true',
                   help='leave glibc malloc at its defaults (CPU)')
    p.add_argument('--out', default='work_dirs/benchmarks/finola_op.json')
    return p.parse_args()


def main():
    args = parse_args()
    device, dtype = torch.device(args.device), getattr(torch, args.dtype)
    kept = False
    if device.type == 'cpu' and not args.no_keep_freed:
        from finola_mm.utils.cpu_alloc import keep_freed_memory
        kept = keep_freed_memory()
    impls = args.impls or (['reference', 'torch'] +
                           (['triton'] if device.type == 'cuda' else []))
    fast = impls[-1]
    N = args.batch or (64 if device.type == 'cuda' else 8)
    rows = []
    cols = ''.join(f' {i} ms | {i}/matmul |' for i in impls)
    mems = ''.join(f' {i} saved (extra) MiB |' for i in impls)
    header = f'| H=W | C | M | matmul ms |{cols} naive ms |{mems}'
    print(f'device={device} ({platform.processor() or platform.machine()}, '
          f'{torch.get_num_threads()} threads) dtype={args.dtype} N={N} '
          f'median of {args.repeat}; glibc keeps freed memory: {kept}')
    print(header + '\n' + '|---' * (header.count('|') - 1) + '|', flush=True)
    for S in args.sizes:
        for C in args.channels:
            for M in args.paths:
                gen = torch.Generator().manual_seed(0)
                q = torch.randn(N, M * C, generator=gen).to(device, dtype)
                A = (torch.randn(C, C, generator=gen) * 0.1 / C**0.5).to(
                    device, dtype)
                B = (torch.randn(C, C, generator=gen) * 0.1 / C**0.5).to(
                    device, dtype)
                for t in (q, A, B):
                    t.requires_grad_()
                mm_t, mm_m, _, mm_peak = measure(equal_flops_matmul, q, A, B, M,
                                              S, S, args.repeat, device)
                row = dict(size=S, channels=C, paths=M, batch=N,
                           flops=N * M * S * S * C * C * 2, matmul_s=mm_t,
                           matmul_saved_bytes=mm_m, matmul_peak_bytes=mm_peak)
                for impl in impls:
                    t, m, extra, peak = measure(grow(impl), q, A, B, M, S, S,
                                                args.repeat, device)
                    row.update({f'{impl}_s': t, f'{impl}_over_matmul': t / mm_t,
                                f'{impl}_saved_bytes': m,
                                f'{impl}_extra_bytes': extra,
                                f'{impl}_peak_bytes': peak})
                row['naive_s'] = None
                if S <= args.naive_max_size:
                    row['naive_s'] = measure(naive_loop, q, A, B, M, S, S,
                                             max(1, args.repeat // 2),
                                             device)[0]
                rows.append(row)
                cells = ''.join(f' {row[f"{i}_s"] * 1e3:.1f} | '
                                f'{row[f"{i}_over_matmul"]:.2f}x |'
                                for i in impls)
                mem = ''.join(f' {row[f"{i}_saved_bytes"] / 2**20:.1f} '
                              f'({row[f"{i}_extra_bytes"] / 2**20:.1f}) |'
                              for i in impls)
                naive = (f'{row["naive_s"] * 1e3:.1f}' if row['naive_s']
                         else 'skipped')
                print(f'| {S} | {C} | {M} | {mm_t * 1e3:.1f} |{cells} '
                      f'{naive} |{mem}', flush=True)
    summary = dict(fast_impl=fast)
    if 'reference' in impls and fast != 'reference':
        big = [r for r in rows if r['channels'] >= 128]
        summary.update(
            worst_fast_over_matmul=max(r[f'{fast}_over_matmul'] for r in big),
            worst_saved_ratio=max(r[f'{fast}_saved_bytes'] /
                                  r['reference_saved_bytes'] for r in rows))
        ok_t = summary['worst_fast_over_matmul'] <= MATMUL_TARGET
        ok_m = summary['worst_saved_ratio'] <= MEMORY_TARGET
        print(f"\nTargets ({fast}): time <= {MATMUL_TARGET}x the equal-FLOPs "
              f"matmul at C >= 128: worst "
              f"{summary['worst_fast_over_matmul']:.2f}x "
              f"({'met' if ok_t else 'MISSED'}); saved memory <= "
              f"{MEMORY_TARGET}x the reference's: worst "
              f"{summary['worst_saved_ratio']:.2f}x "
              f"({'met' if ok_m else 'MISSED'})")
    os.makedirs(osp.dirname(args.out) or '.', exist_ok=True)
    with open(args.out, 'w') as f:
        json.dump(dict(device=str(device), dtype=args.dtype, impls=impls,
                       threads=torch.get_num_threads(), torch=torch.__version__,
                       keep_freed_memory=kept, rows=rows, summary=summary),
                  f, indent=1)
    print(f'JSON: {args.out}')


if __name__ == '__main__':
    main()
