"""Benchmark: is FINOLA's growth numerically stable over many steps?

Grows a (2*steps+1) x (2*steps+1) map (``steps`` sequential steps in each
direction of each axis, the longest path 2*steps) from random q with the
operator's own init, in float32 and bfloat16 (autocast), and compares with
float64. Prints a table and writes JSON.

    python tools/benchmarks/finola_precision.py                # CPU
    python tools/benchmarks/finola_precision.py --device cuda  # + GPU bf16
"""
import argparse
import json
import os
import os.path as osp

import torch

from finola_mm.finola import FINOLA

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def grow(module, q, size, dtype, device):
    """The map in ``dtype`` (float32 weights under bf16 autocast)."""
    if dtype == torch.bfloat16:
        with torch.autocast(device_type=device, dtype=torch.bfloat16):
            return module(q.float(), size, size).double()
    return module.to(dtype)(q.to(dtype), size, size).double()


def measure(channels, steps, batch, device, init_std):
    torch.manual_seed(0)
    module = FINOLA(channels, init_std=init_std).to(device)
    q = torch.randn(batch, channels, device=device, dtype=torch.float64)
    size = 2 * steps + 1
    with torch.no_grad():
        ref = grow(module.double(), q, size, torch.float64, device)
        row = dict(channels=channels, steps=steps, init_std=init_std,
                   device=device, ref_max_abs=ref.abs().max().item())
        for name, dtype in (('float32', torch.float32),
                            ('bfloat16', torch.bfloat16)):
            module = module.float()
            out = grow(module, q, size, dtype, device)
            err = (out - ref).norm(dim=1) / ref.norm(dim=1).clamp_min(1e-12)
            row[name] = dict(finite=bool(torch.isfinite(out).all()),
                             max_rel_err=err.max().item(),
                             mean_rel_err=err.mean().item())
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--channels', type=int, nargs='+',
                        default=[128, 512])
    parser.add_argument('--steps', type=int, default=128)
    parser.add_argument('--batch', type=int, default=2)
    parser.add_argument('--init-std', type=float, nargs='+',
                        default=[0.1, 1.0])
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--out', default=osp.join(
        ROOT, 'work_dirs/benchmarks/finola_precision.json'))
    args = parser.parse_args()
    rows = [measure(c, args.steps, args.batch, args.device, s)
            for c in args.channels for s in args.init_std]
    print(f'\n{args.steps} steps per direction ({2 * args.steps + 1}² map), '
          f'per-position relative error vs float64, device {args.device}\n')
    print('| C | init_std | max abs (f64) | fp32 finite | fp32 max rel | '
          'bf16 finite | bf16 max rel | bf16 mean rel |')
    print('|---|---|---|---|---|---|---|---|')
    for r in rows:
        f, b = r['float32'], r['bfloat16']
        print(f'| {r["channels"]} | {r["init_std"]} | {r["ref_max_abs"]:.3g}'
              f' | {f["finite"]} | {f["max_rel_err"]:.2e} | {b["finite"]} | '
              f'{b["max_rel_err"]:.2e} | {b["mean_rel_err"]:.2e} |')
    os.makedirs(osp.dirname(args.out), exist_ok=True)
    with open(args.out, 'w') as f:
        json.dump(dict(torch=torch.__version__, rows=rows), f, indent=2)
    print(f'\nwritten {args.out}')


if __name__ == '__main__':
    main()
