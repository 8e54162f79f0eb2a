"""Save input-vs-reconstruction grids during validation and testing."""
import os.path as osp
from typing import Optional, Sequence

import mmcv
from mmengine.hooks import Hook

from mmpretrain.registry import HOOKS
from .image_grid import image_grid


@HOOKS.register_module()
class ReconstructionVisHook(Hook):
    """Writes ``{work_dir}/reconstructions/{val|test}_{step}.png``.

    The grid has originals on odd rows and reconstructions below them, from
    the first batch of each validation/test run. The image also goes to the
    runner's visualizer, so TensorBoard/W&B backends receive it.

    Args:
        num_images (int): images shown. Defaults to 16.
        nrow (int): images per row. Defaults to 8.
        min_size (int): images are enlarged (nearest) by an integer factor
            to at least this many pixels. Defaults to 128.
    """
    priority = 'LOW'

    def __init__(self, num_images: int = 16, nrow: int = 8,
                 min_size: int = 128) -> None:
        self.num_images, self.nrow = num_images, nrow
        self.min_size = min_size

    def after_val_iter(self, runner, batch_idx: int, data_batch=None,
                       outputs: Optional[Sequence] = None) -> None:
        if batch_idx == 0:
            self._save(runner, outputs, 'val', runner.iter)

    def after_test_iter(self, runner, batch_idx: int, data_batch=None,
                        outputs: Optional[Sequence] = None) -> None:
        if batch_idx == 0:
            self._save(runner, outputs, 'test', runner.iter)

    def _save(self, runner, outputs, mode: str, step: int) -> None:
        outputs = list(outputs or [])[:self.num_images]
        if not outputs or 'pred_img' not in outputs[0]:
            return
        ncol = min(self.nrow, len(outputs))
        outputs = outputs[:len(outputs) // ncol * ncol]  # full rows only
        rows = []
        for start in range(0, len(outputs), ncol):
            chunk = outputs[start:start + ncol]
            rows += [s.gt_img for s in chunk] + [s.pred_img for s in chunk]
        img = image_grid(rows, ncol, self.min_size)
        path = osp.join(runner.work_dir, 'reconstructions',
                        f'{mode}_{step}.png')
        mmcv.imwrite(img[..., ::-1], path)  # RGB -> BGR for cv2
        runner.visualizer.add_image(f'{mode}_reconstruction', img, step=step)
        runner.logger.info(f'reconstruction grid saved to {path}')
