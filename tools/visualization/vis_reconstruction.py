"""Reconstructions of your own images by any pretraining checkpoint.

    python tools/visualization/vis_reconstruction.py CONFIG CKPT IMG [IMG ...] \
        --out DIR [--seed 0] [--min-size 256]

CONFIG is the pretraining config the checkpoint came from: a FINOLA or plain
autoencoder, element- or block-wise Masked FINOLA, MAE or SimMIM. Each image
is read (any format OpenCV reads), made grey if the model was trained on grey
images (its pipeline has GrayToRGB), resized to the model's input size and
masked by the config's own mask generator (MAE masks inside its backbone).
Writes one picture per image, DIR/<name>_reconstruction.png, with the
panels input | mask | masked input | prediction | pasted (prediction in the
masked pixels, visible pixels kept), each enlarged (nearest) to at least
--min-size px, and DIR/grid.png with every image as a row. ``--seed`` fixes
the masks.
"""
import argparse
import os
import os.path as osp

import cv2
import mmcv
import numpy as np
import torch

PANELS = ('input', 'mask', 'masked', 'prediction', 'pasted')
TITLES = dict(input='input', mask='mask', masked='masked input',
              prediction='prediction', pasted='pasted')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('images', nargs='+')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--seed', type=int, default=0, help='fixes the masks')
    parser.add_argument('--min-size', type=int, default=256,
                        help='each panel is enlarged to at least this size')
    return parser.parse_args()


def input_size(cfg) -> tuple:
    """(H, W) the model takes: the neck's img_size, else the backbone's."""
    for part in ('neck', 'backbone'):
        size = (cfg.model.get(part) or {}).get('img_size')
        if size:
            return (size, size) if isinstance(size, int) else tuple(size)
    raise SystemExit(f'{cfg.filename}: neither model.neck nor model.backbone '
                     f'sets img_size, so the input size is unknown; add '
                     f'img_size to the config.')


def build_pipeline(cfg):
    """Resize + (GrayToRGB) + the mask generator + PackInputs, as training
    prepares images, without random flips or crops."""
    from mmcv.transforms import Compose
    steps = cfg.train_dataloader.dataset.pipeline
    h, w = input_size(cfg)
    gray = any(t['type'] == 'GrayToRGB' for t in steps)
    pipeline = [dict(type='Resize', scale=(w, h), interpolation='bicubic')]
    pipeline += [dict(type='GrayToRGB')] if gray else []
    pipeline += [t for t in steps if str(t['type']).endswith('MaskGenerator')]
    pipeline += [dict(type='PackInputs')]
    return Compose(pipeline), gray


def read_image(path: str, gray: bool) -> np.ndarray:
    if not osp.isfile(path):
        raise SystemExit(f'image {path} does not exist.')
    img = mmcv.imread(path)
    if img is None:
        raise SystemExit(f'{path} is not an image OpenCV can read (try '
                         f'PNG or JPEG).')
    return mmcv.bgr2gray(img) if gray else img


def titled_row(panels: dict, min_size: int) -> np.ndarray:
    """One image's panels, side by side, each with a title above."""
    tiles = []
    for key in PANELS:
        tile = panels[key].round().clamp(0, 255).byte().permute(1, 2, 0)
        tile = tile.numpy()
        scale = max(1, -(-min_size // min(tile.shape[:2])))
        tile = cv2.resize(tile, None, fx=scale, fy=scale,
                          interpolation=cv2.INTER_NEAREST)
        head = np.full((28, tile.shape[1], 3), 255, np.uint8)
        cv2.putText(head, TITLES[key], (4, 20), cv2.FONT_HERSHEY_SIMPLEX,
                    0.6, (0, 0, 0), 1, cv2.LINE_AA)
        gap = np.full((tile.shape[0] + 28, 8, 3), 255, np.uint8)
        tiles += [np.concatenate([head, tile]), gap]
    return np.concatenate(tiles[:-1], axis=1)


def main():
    args = parse_args()
    from mmengine.config import Config
    from mmengine.dataset import default_collate
    from mmengine.registry import init_default_scope
    from mmengine.runner import load_checkpoint

    import finola_mm  # noqa: F401  registers our modules
    from finola_mm.engine.hooks.masked_reconstruction import \
        reconstruction_panels
    from finola_mm.utils import build_model
    cfg = Config.fromfile(args.config)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    model = build_model(cfg)
    load_checkpoint(model, args.checkpoint, map_location='cpu', strict=True)
    model.eval()
    pipeline, gray = build_pipeline(cfg)
    os.makedirs(args.out, exist_ok=True)
    rows = []
    for path in args.images:
        packed = pipeline(dict(img=read_image(path, gray)))
        data = default_collate([packed])   # as the training loader does
        panels = {k: v[0] for k, v in
                  reconstruction_panels(model, data).items()}
        rows.append(titled_row(panels, args.min_size))
        name = osp.splitext(osp.basename(path))[0]
        out = osp.join(args.out, f'{name}_reconstruction.png')
        mmcv.imwrite(rows[-1][..., ::-1], out)              # RGB -> BGR
        print(f'{path} -> {out}')
    width = max(r.shape[1] for r in rows)
    grid = np.concatenate([np.pad(r, ((0, 8), (0, width - r.shape[1]),
                                      (0, 0)), constant_values=255)
                           for r in rows])
    mmcv.imwrite(grid[..., ::-1], osp.join(args.out, 'grid.png'))
    print(f'wrote {osp.join(args.out, "grid.png")}')


if __name__ == '__main__':
    main()
