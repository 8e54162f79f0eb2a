"""A picture grid large enough to see, for the reconstruction hooks."""
import math
from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor
from torchvision.utils import make_grid


def image_grid(images: Sequence[Tensor], nrow: int,
               min_size: int = 128) -> np.ndarray:
    """(3, H, W) images in 0-255 -> an (H', W', 3) uint8 RGB grid.

    Each image is enlarged (nearest, so pixels stay sharp) by an integer
    factor until it is at least ``min_size`` px: a 32 px image becomes 128
    px, and a row of 8 about 1,050 px wide.
    """
    batch = torch.stack(list(images)).float().cpu()
    scale = max(1, math.ceil(min_size / min(batch.shape[-2:])))
    if scale > 1:
        batch = F.interpolate(batch, scale_factor=scale, mode='nearest')
    grid = make_grid(batch, nrow=nrow, padding=2 * scale, pad_value=255)
    return grid.round().clamp(0, 255).byte().permute(1, 2, 0).numpy()
