"""Model-space images back to pixels."""
from torch import Tensor


def to_pixels(data_preprocessor, images: Tensor) -> Tensor:
    """Undo the data preprocessor's normalisation; clamp to [0, 255]."""
    if getattr(data_preprocessor, '_enable_normalize', False):
        images = images * data_preprocessor.std + data_preprocessor.mean
    return images.clamp(0, 255)
