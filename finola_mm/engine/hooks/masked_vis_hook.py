"""Masked-input / prediction / original grids during masked pretraining."""
import os.path as osp

import mmcv
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmpretrain.registry import HOOKS
from .masked_reconstruction import reconstruction_panels
from .image_grid import image_grid


@HOOKS.register_module()
class MaskedReconstructionVisHook(Hook):
    """Writes ``{work_dir}/reconstructions/train_{iter}.png`` every
    ``interval`` iterations and after the last one, for Masked FINOLA, MAE
    and SimMIM alike.

    The first training batch is kept (with its masks) so every picture shows
    the same images. Rows repeat in threes: the masked input (masked pixels
    grey), the prediction pasted into the masked pixels (visible pixels
    kept, as in MAE's figures) and the original. The picture also goes to the
    runner's visualizer (TensorBoard/W&B backends).

    Args:
        interval (int): iterations between pictures. Defaults to 500.
        num_images (int): images per picture. Defaults to 8.
    """
    priority = 'LOW'

    def __init__(self, interval: int = 500, num_images: int = 8) -> None:
        self.interval, self.num_images = interval, num_images
        self._batch = None

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch=None) -> None:
        if self._batch is None and data_batch is not None:
            n = self.num_images
            self._batch = dict(inputs=data_batch['inputs'][:n],
                               data_samples=data_batch['data_samples'][:n])

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        if self._batch is not None and (
                self.every_n_train_iters(runner, self.interval)
                or self.is_last_train_iter(runner)):
            self.save(runner)

    def save(self, runner) -> str:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        was_training = model.training
        model.eval()
        panels = reconstruction_panels(model, self._batch)
        model.train(was_training)
        rows, num = [], len(panels['input'])
        for start in range(0, num, 8):
            for key in ('masked', 'pasted', 'input'):
                rows += list(panels[key][start:start + 8])
        img = image_grid(rows, min(8, num))
        path = osp.join(runner.work_dir, 'reconstructions',
                        f'train_{runner.iter + 1}.png')
        mmcv.imwrite(img[..., ::-1], path)                # RGB -> BGR
        runner.visualizer.add_image('masked_reconstruction', img,
                                    step=runner.iter + 1)
        runner.logger.info(f'masked reconstruction grid saved to {path}')
        return path

