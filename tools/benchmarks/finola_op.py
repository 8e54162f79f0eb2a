"""Benchmark: the parallel FINOLA operator vs a naive per-position loop vs one
matmul with the same FLOPs (N*M*H*W*C^2*2), forward + backward.

Prints a markdown table and writes JSON.

    python tools/benchmarks/finola_op.py                      # full sweep
    python tools/benchmarks/finola_op.py --sizes 16 --channels 128 --paths 1

Memory: on CUDA the peak allocated bytes of the step; on CPU the bytes autograd
saves for backward (plus the output), counted with saved_tensors_hooks.
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


def parallel(q, A, B, M, H, W):
    return multipath_finola_grow(q, M, A, B, H, W, eps=EPS)


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
    def run():
        out = fn(q, A, B, M, H, W)
        out.sum().backward()
        return out

    saved = {}  # by storage, so a tensor saved by many ops counts once

    def pack(t):
        saved[t.untyped_storage().data_ptr()] = t.untyped_storage().nbytes()
        return t

    if device.type == 'cuda':
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = run()  # warm-up, and the memory count
    mem = sum(saved.values()) + out.numel() * out.element_size()
    if device.type == 'cuda':
        torch.cuda.synchronize()
        mem = torch.cuda.max_memory_allocated()
    times = []
    for _ in range(repeat):
        q.grad = A.grad = B.grad = None
        t0 = time.perf_counter()
        run()
        if device.type == 'cuda':
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2], mem


def parse_args():
    p = argparse.ArgumentParser(description='FINOLA operator benchmark')
    p.add_argument('--sizes', type=int, nargs='+', default=[16, 32, 64])
    p.add_argument('--channels', type=int, nargs='+', default=[128, 512, 2048])
    p.add_argument('--paths', type=int, nargs='+', default=[1, 4])
    p.add_argument('--batch', type=int, default=None,
                   help='N (default: 8 on CPU, 64 on CUDA)')
    p.add_argument('--repeat', type=int, default=3)
    p.add_argument('--naive-max-size', type=int, default=32,
                   help='skip the naive loop above this H=W (it is slow)')
    p.add_argument('--device', default='cuda' if torch.cuda.is_available()
                   else 'cpu')
    p.add_argument('--dtype', default='float32',
                   choices=['float32', 'bfloat16', 'float16'])
    p.add_argument('--out', default='work_dirs/benchmarks/finola_op.json')
    return p.parse_args()


def main():
    args = parse_args()
    device, dtype = torch.device(args.device), getattr(torch, args.dtype)
    N = args.batch or (64 if device.type == 'cuda' else 8)
    rows = []
    header = ('| H=W | C | M | parallel ms | matmul ms | naive ms | '
              'parallel/matmul | naive/parallel | parallel MiB | matmul MiB '
              '|\n|---|---|---|---|---|---|---|---|---|---|')
    print(f'device={device} ({platform.processor() or platform.machine()}, '
          f'{torch.get_num_threads()} threads) dtype={args.dtype} N={N}')
    print(header, flush=True)
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
                par_t, par_m = measure(parallel, q, A, B, M, S, S,
                                       args.repeat, device)
                mm_t, mm_m = measure(equal_flops_matmul, q, A, B, M, S, S,
                                     args.repeat, device)
                naive_t = None
                if S <= args.naive_max_size:
                    naive_t, _ = measure(naive_loop, q, A, B, M, S, S,
                                         max(1, args.repeat // 2), device)
                row = dict(size=S, channels=C, paths=M, batch=N,
                           parallel_s=par_t, matmul_s=mm_t, naive_s=naive_t,
                           parallel_over_matmul=par_t / mm_t,
                           naive_over_parallel=naive_t / par_t
                           if naive_t else None,
                           parallel_bytes=par_m, matmul_bytes=mm_m,
                           flops=N * M * S * S * C * C * 2)
                rows.append(row)
                naive_s = f'{naive_t * 1e3:.1f}' if naive_t else 'skipped'
                speedup = f'{naive_t / par_t:.1f}x' if naive_t else '-'
                print(f'| {S} | {C} | {M} | {par_t * 1e3:.1f} | '
                      f'{mm_t * 1e3:.1f} | {naive_s} | {par_t / mm_t:.2f}x | '
                      f'{speedup} | {par_m / 2**20:.1f} | {mm_m / 2**20:.1f} |',
                      flush=True)
    at32 = [r for r in rows if r['size'] == 32 and r['naive_s']]
    summary = dict(
        max_parallel_over_matmul=max(r['parallel_over_matmul'] for r in rows),
        min_naive_over_parallel_at_32=min(
            (r['naive_over_parallel'] for r in at32), default=None))
    print('\nTargets: parallel within 1.5x of the equal-FLOPs matmul '
          f'(worst {summary["max_parallel_over_matmul"]:.2f}x); >= 5x faster '
          'than the naive loop at 32x32 (worst '
          f'{summary["min_naive_over_parallel_at_32"] or float("nan"):.1f}x)')
    os.makedirs(osp.dirname(args.out) or '.', exist_ok=True)
    with open(args.out, 'w') as f:
        json.dump(dict(device=str(device), dtype=args.dtype,
                       threads=torch.get_num_threads(), torch=torch.__version__,
                       rows=rows, summary=summary), f, indent=1)
    print(f'JSON: {args.out}')


if __name__ == '__main__':
    main()
