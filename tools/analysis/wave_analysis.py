"""Wave analysis of a trained FINOLA checkpoint.

Writes to --out-dir: wave_speeds.png (eigenvalues of Q = A B^-1 in the
complex plane), wave_residual.png (mean relative residuals per latent
position on real images: of each equation, ||Δx z - A ẑ||/||Δx z|| and
||Δy z - B ẑ||/||Δy z||, which need no inverse, and of Δx z = Q Δy z),
wave_analysis.json; prints a summary.

The map is grown along one axis last (axis_order 'yx': rows along x), so
that axis's residual is zero by construction; the other one, the
off-axis residual, says whether the map solves both equations.

    python tools/analysis/wave_analysis.py CONFIG CHECKPOINT --out-dir DIR
"""
import argparse
import json
import os
import os.path as osp

import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from mmengine.runner import CheckpointLoader, Runner  # noqa: E402

import finola_mm  # noqa: F401,E402
from finola_mm.analysis import (SingularMatrixError,  # noqa: E402
                                axis_residuals, wave_residual, wave_speeds)
from finola_mm.utils import (assert_checkpoint_fits,  # noqa: E402
                             build_model)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('config')
    p.add_argument('checkpoint')
    p.add_argument('--out-dir', default='work_dirs/wave_analysis')
    p.add_argument('--num-images', type=int, default=256,
                   help='test images used for the residual map')
    return p.parse_args()


def load_model(cfg, checkpoint):
    model = build_model(cfg)
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
        maps.append(model.neck.grow_paths(model.backbone(inputs))
                    .flatten(0, 1))                      # (N*M, C, H, W)
        seen += len(inputs)
        if seen >= num_images:
            break
    paths = model.neck.finola.num_paths
    return torch.cat(maps)[:num_images * paths]


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


def plot_residuals(maps, path):
    """maps: [(title, (h, w) array)], one panel each."""
    fig, axes = plt.subplots(1, len(maps), figsize=(4.6 * len(maps), 4.2))
    for ax, (title, res_map) in zip(np.atleast_1d(axes), maps):
        im = ax.imshow(res_map, cmap='magma', vmin=0)
        fig.colorbar(im, ax=ax, fraction=0.046)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel('x')
        ax.set_ylabel('y')
    fig.suptitle('Relative wave-equation residuals per latent edge '
                 '(mean over images)')
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def stats(prefix, res):
    return {f'{prefix}_mean': float(res.mean()),
            f'{prefix}_median': float(res.median())}


def main():
    args = parse_args()
    cfg = Config.fromfile(args.config)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    model = load_model(cfg, args.checkpoint)
    finola = model.neck.finola
    os.makedirs(args.out_dir, exist_ok=True)
    summary = dict(channels=finola.channels, num_paths=finola.num_paths)
    try:
        spec = wave_speeds(finola.A, finola.B)
    except SingularMatrixError as err:  # the per-axis residuals need no B⁻¹
        print(f'wave analysis: {err}\nReporting the per-axis residuals only.')
        spec = None
    if spec is not None:
        plot_speeds(spec.speeds.numpy(),
                    osp.join(args.out_dir, 'wave_speeds.png'))
        summary.update(
            cond_B=spec.cond_B, cond_V=spec.cond_V,
            num_complex_speeds=int((spec.speeds.imag.abs() > 1e-9).sum()),
            max_abs_speed=float(spec.speeds.abs().max()),
            speeds=[[float(s.real), float(s.imag)] for s in spec.speeds])
    z = latent_maps(model, cfg, args.num_images)        # single-path maps
    if min(z.shape[-2:]) > 1:
        res_x, res_y = axis_residuals(z, finola.A, finola.B, finola.A_neg,
                                      finola.B_neg, finola.eps)
        off = res_y if finola.axis_order == 'yx' else res_x
        panels = [('||Δx z − A ẑ|| / ||Δx z||', res_x.mean(0).numpy()),
                  ('||Δy z − B ẑ|| / ||Δy z||', res_y.mean(0).numpy())]
        summary.update(**stats('residual_x', res_x),
                       **stats('residual_y', res_y),
                       **stats('residual_off_axis', off),
                       axis_order=finola.axis_order,
                       residual_num_maps=len(z))
        if spec is not None:
            res_q = wave_residual(z, spec.Q)              # (N, H-1, W-1)
            panels.append(('||Δx z − Q Δy z|| / ||Δx z||',
                           res_q.mean(0).numpy()))
            summary.update(**stats('residual', res_q))
        plot_residuals(panels, osp.join(args.out_dir, 'wave_residual.png'))
    with open(osp.join(args.out_dir, 'wave_analysis.json'), 'w') as f:
        json.dump(summary, f, indent=1)
    if spec is not None:
        print(f'C={finola.channels} M={finola.num_paths}  cond(B)='
              f'{spec.cond_B:.3g}  cond(V)={spec.cond_V:.3g}  complex '
              f'speeds: {summary["num_complex_speeds"]}/{finola.channels}  '
              f'max |λ|={summary["max_abs_speed"]:.3g}')
    if 'residual_x_mean' in summary:
        for key, text in (('residual_x', '||Δx z − A ẑ||/||Δx z||'),
                          ('residual_y', '||Δy z − B ẑ||/||Δy z||'),
                          ('residual', '||Δx z − Q Δy z||/||Δx z||')):
            if key + '_mean' not in summary:
                continue
            print(f'{text:28s} mean {summary[key + "_mean"]:.4f}, median '
                  f'{summary[key + "_median"]:.4f}')
        print(f'off-axis (axis_order={finola.axis_order!r}): mean '
              f'{summary["residual_off_axis_mean"]:.4f} over {len(z)} maps')
    print(f'written: {args.out_dir}/wave_speeds.png, wave_residual.png, '
          f'wave_analysis.json')


if __name__ == '__main__':
    main()
