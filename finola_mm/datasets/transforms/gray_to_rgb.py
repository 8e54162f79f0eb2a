"""Make single-channel images three-channel, for 3-channel encoders."""
import numpy as np
from mmcv.transforms import BaseTransform

from mmpretrain.registry import TRANSFORMS


@TRANSFORMS.register_module()
class GrayToRGB(BaseTransform):
    """Repeat a (H, W) or (H, W, 1) ``img`` to (H, W, 3); others pass."""

    def transform(self, results: dict) -> dict:
        img = results['img']
        if img.ndim == 2:
            img = img[..., None]
        if img.shape[-1] == 1:
            results['img'] = np.ascontiguousarray(np.repeat(img, 3, axis=-1))
        return results
