"""Patch masks for masked image modelling, packed as SimMIM's are.

Both write ``results['mask']`` (h, w) on the model's patch grid, 1 = masked;
``PackInputs`` packs ``mask`` into the data sample as a tensor by default.
"""
import numpy as np
from mmcv.transforms import BaseTransform

from mmpretrain.datasets.transforms import SimMIMMaskGenerator
from mmpretrain.registry import TRANSFORMS

QUADRANTS = {'top_left': (0, 0), 'top_right': (0, 1),
             'bottom_left': (1, 0), 'bottom_right': (1, 1)}


def check_image_size(results: dict, input_size: int, name: str) -> None:
    h, w = results['img'].shape[:2]
    if (h, w) != (input_size, input_size):
        raise ValueError(
            f'{name} was built for {input_size}x{input_size} images but got '
            f'{h}x{w} ({results.get("img_path", "in-memory image")}). Resize '
            f'the images to {input_size} before the mask generator, or set '
            f'its input_size to the image size.')


@TRANSFORMS.register_module()
class PatchMaskGenerator(SimMIMMaskGenerator):
    """Random patch mask (SimMIM's generator, used unchanged) with its
    preconditions checked and explained.

    Args:
        input_size (int): square image size. Defaults to 32.
        mask_patch_size (int): side of one masked block. Defaults to 8.
        model_patch_size (int): the backbone's patch (the mask grid is
            input_size / model_patch_size). Defaults to 4.
        mask_ratio (float): fraction of blocks masked, in (0, 1); the count
            is rounded up. Defaults to 0.6.
    """

    def __init__(self, input_size: int = 32, mask_patch_size: int = 8,
                 model_patch_size: int = 4, mask_ratio: float = 0.6) -> None:
        if not 0 < mask_ratio < 1:
            raise ValueError(f'mask_ratio must lie in (0, 1), got '
                             f'{mask_ratio}; e.g. 0.6 (SimMIM) or 0.75 (MAE).')
        if input_size % mask_patch_size:
            raise ValueError(
                f'mask_patch_size={mask_patch_size} does not divide '
                f'input_size={input_size}: the mask grid must tile the '
                f'image. Pick a divisor of {input_size}.')
        if mask_patch_size % model_patch_size:
            raise ValueError(
                f'mask_patch_size={mask_patch_size} is not a multiple of the '
                f'model_patch_size={model_patch_size}; a masked block must '
                f'cover whole backbone patches.')
        super().__init__(input_size, mask_patch_size, model_patch_size,
                         mask_ratio)

    def transform(self, results: dict) -> dict:
        check_image_size(results, self.input_size, type(self).__name__)
        return super().transform(results)


@TRANSFORMS.register_module()
class QuadrantMaskGenerator(BaseTransform):
    """Block-wise mask: one quadrant visible, three masked.

    Args:
        input_size (int): square image size. Defaults to 32.
        model_patch_size (int): the backbone's patch; the grid
            input_size / model_patch_size must be even. Defaults to 4.
        quadrant (str): the visible one, 'top_left' (default), 'top_right',
            'bottom_left', 'bottom_right', or 'random' (uniform per image).
    """

    def __init__(self, input_size: int = 32, model_patch_size: int = 4,
                 quadrant: str = 'top_left') -> None:
        if quadrant not in (*QUADRANTS, 'random'):
            raise ValueError(f'quadrant must be one of '
                             f'{[*QUADRANTS, "random"]}, got {quadrant!r}.')
        if input_size % model_patch_size:
            raise ValueError(
                f'model_patch_size={model_patch_size} does not divide '
                f'input_size={input_size}; the mask grid must tile the image.')
        grid = input_size // model_patch_size
        if grid % 2:
            raise ValueError(
                f'The {grid}x{grid} patch grid is odd, so it has no '
                f'quadrants. Pick input_size / model_patch_size even '
                f'(e.g. input_size={(grid + 1) * model_patch_size}).')
        self.input_size, self.model_patch_size = input_size, model_patch_size
        self.quadrant, self.grid = quadrant, grid

    def transform(self, results: dict) -> dict:
        check_image_size(results, self.input_size, type(self).__name__)
        name = self.quadrant
        if name == 'random':
            name = list(QUADRANTS)[np.random.randint(4)]
        row, col = QUADRANTS[name]
        half = self.grid // 2
        mask = np.ones((self.grid, self.grid), dtype=int)
        mask[row * half:(row + 1) * half, col * half:(col + 1) * half] = 0
        results['mask'] = mask
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(input_size={self.input_size}, '
                f'model_patch_size={self.model_patch_size}, '
                f'quadrant={self.quadrant!r})')
