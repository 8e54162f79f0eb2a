"""Benchmark: training images/s and peak memory of Masked FINOLA (element-
and block-wise), MAE and SimMIM on one encoder, one batch, one image size.

Each method's real config is built (model, data preprocessor, optimiser) and
trained on a fixed synthetic batch whose masks come from the config's own
mask generator, so only the model step is timed (forward, backward, AdamW).
Each method runs in its own process, so CPU peak memory (max RSS) is its
own; on CUDA peak memory is ``torch.cuda.max_memory_allocated``.

    python tools/benchmarks/pretrain_throughput.py                   # CPU
    python tools/benchmarks/pretrain_throughput.py --encoder vit-base-p16 \
        --batch 128 --device cuda --amp                              # GPU
    python tools/benchmarks/pretrain_throughput.py --profile masked-finola-e

Prints a markdown table and writes JSON (work_dirs/benchmarks/).
"""
import argparse
import json
import multiprocessing as mp
import os
import os.path as osp
import platform
import resource
import sys
import time

# the repository root, so that `tools.` imports when run as a script
sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
from tools.benchmarks.engine import (  # noqa: E402
    REPO as ROOT, pretrain_config)

# the ViT encoders, on which all four methods have a config
ENCODERS = ('vit-tiny-p4', 'vit-base-p16')
METHODS = ('masked-finola-b', 'masked-finola-e', 'mae', 'simmim')
# (method, must reach this baseline's images/s)
SPEED_TARGETS = (('masked-finola-b', 'mae'), ('masked-finola-e', 'simmim'))


def synthetic_batch(cfg, batch: int):
    """uint8 images of the config's size + masks from its mask generator."""
    import numpy as np
    import torch
    from mmpretrain.registry import TRANSFORMS
    from mmpretrain.structures import DataSample
    gen_cfg = next((t for t in cfg.train_dataloader.dataset.pipeline
                    if 'MaskGenerator' in t['type']), None)
    size = gen_cfg['input_size']
    gen = TRANSFORMS.build(gen_cfg)
    rng = np.random.default_rng(0)
    inputs, samples = [], []
    for _ in range(batch):
        img = rng.integers(0, 256, (size, size, 3), dtype=np.uint8)
        sample = DataSample()
        sample.set_field(torch.from_numpy(gen(dict(img=img))['mask']), 'mask',
                         field_type='data')
        inputs.append(torch.from_numpy(img).permute(2, 0, 1).contiguous())
        samples.append(sample)
    return dict(inputs=torch.stack(inputs), data_samples=samples)


def measure(args_tuple):
    """Runs in a child process: -> dict of images/s and peak memory."""
    (encoder, method, batch, iters, warmup, device, amp, profile,
     finola_impl) = args_tuple
    import torch
    from mmengine.config import Config
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import init_default_scope
    import finola_mm  # noqa: F401
    from finola_mm.utils import build_model
    torch.manual_seed(0)
    init_default_scope('mmpretrain')
    cfg = Config.fromfile(pretrain_config(method, encoder))
    if finola_impl and 'finola' in method:
        cfg.model.neck.setdefault('finola_cfg', {})['impl'] = finola_impl
    model = build_model(cfg).to(device).train()
    model.init_weights()
    optim_cfg = cfg.optim_wrapper.copy()
    if amp:
        optim_cfg.update(type='AmpOptimWrapper', dtype='bfloat16')
    optim = build_optim_wrapper(model, optim_cfg)
    data = model.data_preprocessor(synthetic_batch(cfg, batch), True)

    def step():
        with optim.optim_context(model):
            loss = model(**data, mode='loss')['loss']
        optim.update_params(loss)

    def sync():
        if device == 'cuda':
            torch.cuda.synchronize()

    for _ in range(warmup):
        step()
    sync()
    if device == 'cuda':
        torch.cuda.reset_peak_memory_stats()
    times = []
    for _ in range(iters):
        start = time.perf_counter()
        step()
        sync()
        times.append(time.perf_counter() - start)
    times.sort()
    median = times[len(times) // 2]
    result = dict(method=method, encoder=encoder, batch=batch,
                  images_per_s=batch / median, step_ms=median * 1e3,
                  params_m=sum(p.numel() for p in model.parameters()) / 1e6)
    if device == 'cuda':
        result['peak_mem_mib'] = torch.cuda.max_memory_allocated() / 2**20
    else:
        result['peak_mem_mib'] = resource.getrusage(
            resource.RUSAGE_SELF).ru_maxrss / 1024
    if profile:
        from torch.profiler import ProfilerActivity, profile as prof
        acts = [ProfilerActivity.CPU] + (
            [ProfilerActivity.CUDA] if device == 'cuda' else [])
        with prof(activities=acts) as p:
            step()
            sync()
        key = 'cuda_time_total' if device == 'cuda' else 'cpu_time_total'
        result['profile'] = p.key_averages().table(sort_by=key, row_limit=15)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--encoder', default='vit-tiny-p4',
                        choices=list(ENCODERS))
    parser.add_argument('--methods', nargs='+', default=list(METHODS),
                        choices=list(METHODS))
    parser.add_argument('--batch', type=int, default=64)
    parser.add_argument('--iters', type=int, default=10)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--device', default='auto',
                        choices=['auto', 'cpu', 'cuda'])
    parser.add_argument('--amp', action='store_true',
                        help='bf16 autocast (AmpOptimWrapper); CUDA only')
    parser.add_argument('--finola-impl', default=None,
                        choices=['auto', 'reference', 'torch', 'triton'],
                        help="FINOLA's impl for the Masked FINOLA methods "
                        "(default: the config's, i.e. 'auto')")
    parser.add_argument('--profile', nargs='*', default=[],
                        help='methods whose step to profile (op table)')
    parser.add_argument('--out', default=osp.join(
        ROOT, 'work_dirs/benchmarks/pretrain_throughput.json'))
    args = parser.parse_args()
    import torch
    device = args.device
    if device == 'auto':
        device = 'cuda' if torch.cuda.is_available() else 'cpu'
    if device == 'cuda' and not torch.cuda.is_available():
        raise SystemExit('--device cuda: no CUDA GPU is visible.')
    if args.amp and device != 'cuda':
        raise SystemExit('--amp needs a CUDA GPU; drop --amp on the CPU.')

    ctx = mp.get_context('spawn')
    results = []
    for method in args.methods:
        with ctx.Pool(1) as pool:                     # own process: own RSS
            res = pool.apply(measure, ((
                args.encoder, method, args.batch, args.iters, args.warmup,
                device, args.amp, method in args.profile,
                args.finola_impl), ))
        results.append(res)
        print(f'{method}: {res["images_per_s"]:.1f} images/s, '
              f'{res["peak_mem_mib"]:.0f} MiB', flush=True)

    by = {r['method']: r for r in results}
    checks = []
    for method, base in SPEED_TARGETS:
        if method in by and base in by:
            ratio = by[method]['images_per_s'] / by[base]['images_per_s']
            checks.append(dict(target=f'{method} images/s >= {base}',
                               ratio=ratio, met=ratio >= 1))
    for method in ('masked-finola-b', 'masked-finola-e'):
        if method in by and 'simmim' in by:
            ratio = by[method]['peak_mem_mib'] / by['simmim']['peak_mem_mib']
            checks.append(dict(target=f'{method} memory <= simmim',
                               ratio=ratio, met=ratio <= 1))
    mem = 'CUDA peak allocated' if device == 'cuda' else 'CPU max RSS'
    print(f'\nencoder {args.encoder}, batch {args.batch}, device {device}'
          f'{" bf16" if args.amp else ""}, median of {args.iters} steps\n')
    print(f'| method | images/s | step (ms) | {mem} (MiB) | params (M) |')
    print('|---|---|---|---|---|')
    for r in results:
        print(f'| {r["method"]} | {r["images_per_s"]:.1f} | '
              f'{r["step_ms"]:.1f} | {r["peak_mem_mib"]:.0f} | '
              f'{r["params_m"]:.2f} |')
    print('\n| target | ratio | met |\n|---|---|---|')
    for c in checks:
        print(f'| {c["target"]} | {c["ratio"]:.2f} | '
              f'{"yes" if c["met"] else "NO"} |')
    for r in results:
        if 'profile' in r:
            print(f'\nprofile of one {r["method"]} step:\n{r["profile"]}')
    os.makedirs(osp.dirname(args.out), exist_ok=True)
    with open(args.out, 'w') as f:
        json.dump(dict(device=device, amp=args.amp, torch=torch.__version__,
                       finola_impl=args.finola_impl,
                       gpu=(torch.cuda.get_device_name()
                            if device == 'cuda' else None),
                       cpu=platform.processor() or platform.machine(),
                       threads=torch.get_num_threads(), results=results,
                       targets=checks), f, indent=2)
    print(f'\nwritten {args.out}')


if __name__ == '__main__':
    main()
