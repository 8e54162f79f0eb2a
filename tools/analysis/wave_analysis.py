"""Wave analysis of a trained FINOLA checkpoint.

Writes to --out-dir: wave_speeds.png (eigenvalues of Q = A B^-1 in the
complex plane), wave_residual.png (mean relative residual of Δx z = Q Δy z
per latent position on real images), wave_analysis.json; prints a summary.

    python tools/analysis/wave_analysis.py CONFIG CHECKPOINT --out-dir DIR
"""
import argparse
import json
import os
import os.path as osp

import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from mmengine.runner import CheckpointLoader, Runner  # noqa: E402

import finola_mm  # noqa: F401,E402
from finola_mm.analysis import (SingularMatrixError, wave_residual,  # noqa
                                wave_speeds)
from finola_mm.utils import assert_checkpoint_fits  # noqa: E402
from mmpretrain.registry import MODELS  # noqa: E402


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('config')
    p.add_argument('checkpoint')
    p.add_argument('--out-dir', default='work_dirs/wave_analysis')
    p.add_argument('--num-images', type=int, default=256,
                   help='test images used for the residual map')
    return p.parse_args()


def load_model(cfg, checkpoint):
    model = MODELS.build(cfg.model)
    ckpt = CheckpointLoader.load_checkpoint(checkpoint, map_location='cpu')
    model.load_state_dict(assert_checkpoint_fits(model, ckpt))
    return model.eval()


@torch.no_grad()
def latent_maps(model, cfg, num_images):
    cfg.test_dataloader.num_workers = 0
    cfg.test_dataloader.persistent_workers = False
    loader = Runner.build_dataloader(cfg.test_dataloader)
    maps, seen = [], 0
    for batch in loader:
        inputs = model.data_preprocessor(batch)['inputs']
        maps.append(model.neck.grow_latent(model.backbone(inputs)))
        seen += len(inputs)
        if seen >= num_images:
            break
    return torch.cat(maps)[:num_images]


def plot_speeds(speeds, path):
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.scatter(speeds.real, speeds.imag, s=8, alpha=0.7)
    ax.axhline(0, color='grey', lw=0.5)
    ax.axvline(0, color='grey', lw=0.5)
    ax.set_xlabel('Re λ')
    ax.set_ylabel('Im λ')
    ax.set_title(f'Wave speeds: eigenvalues of Q = A B⁻¹ (C={len(speeds)})')
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_residual(res_map, path):
    fig, ax = plt.subplots(figsize=(5, 4.2))
    im = ax.imshow(res_map, cmap='magma')
    fig.colorbar(im, ax=ax, label='||Δx z − Q Δy z|| / ||Δx z||')
    ax.set_title('Wave-relation residual per latent position')
    ax.set_xlabel('x')
    ax.set_ylabel('y')
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main():
    args = parse_args()
    cfg = Config.fromfile(args.config)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    model = load_model(cfg, args.checkpoint)
    finola = model.neck.finola
    try:
        spec = wave_speeds(finola.A, finola.B)
    except SingularMatrixError as err:
        raise SystemExit(f'wave analysis: {err}')
    os.makedirs(args.out_dir, exist_ok=True)
    plot_speeds(spec.speeds.numpy(), osp.join(args.out_dir, 'wave_speeds.png'))
    summary = dict(
        channels=finola.channels, num_paths=finola.num_paths,
        cond_B=spec.cond_B, cond_V=spec.cond_V,
        num_complex_speeds=int((spec.speeds.imag.abs() > 1e-9).sum()),
        max_abs_speed=float(spec.speeds.abs().max()),
        speeds=[[float(s.real), float(s.imag)] for s in spec.speeds])
    z = latent_maps(model, cfg, args.num_images)
    if min(z.shape[-2:]) > 1:
        res = wave_residual(z, spec.Q)                    # (N, H-1, W-1)
        plot_residual(res.mean(0).numpy(),
                      osp.join(args.out_dir, 'wave_residual.png'))
        summary.update(residual_mean=float(res.mean()),
                       residual_median=float(res.median()),
                       residual_num_images=len(z))
    with open(osp.join(args.out_dir, 'wave_analysis.json'), 'w') as f:
        json.dump(summary, f, indent=1)
    print(f'C={finola.channels} M={finola.num_paths}  cond(B)='
          f'{spec.cond_B:.3g}  cond(V)={spec.cond_V:.3g}  complex speeds: '
          f'{summary["num_complex_speeds"]}/{finola.channels}  max |λ|='
          f'{summary["max_abs_speed"]:.3g}')
    if 'residual_mean' in summary:
        print(f'residual ||Δx z − Q Δy z||/||Δx z|| over {len(z)} images: '
              f'mean {summary["residual_mean"]:.4f}, median '
              f'{summary["residual_median"]:.4f}')
    print(f'written: {args.out_dir}/wave_speeds.png, wave_residual.png, '
          f'wave_analysis.json')


if __name__ == '__main__':
    main()
