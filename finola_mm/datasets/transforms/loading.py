"""Image loading that says which file failed, and never drops it silently."""
from typing import Optional

from mmcv.transforms import LoadImageFromFile

from mmpretrain.registry import TRANSFORMS


@TRANSFORMS.register_module()
class CheckedLoadImageFromFile(LoadImageFromFile):
    """mmcv's ``LoadImageFromFile`` whose failures name the file, its
    dataset index and the fix.

    mmcv raises a bare ``AssertionError`` naming the path only; with
    ``ignore_empty=True`` MMEngine's dataset silently swaps in another random
    image. Here a file that cannot be read or decoded raises ``IOError``
    unless ``ignore_empty=True`` is set on purpose (documented in
    docs/masked_pretraining.md). Args are ``LoadImageFromFile``'s.
    """

    def transform(self, results: dict) -> Optional[dict]:
        try:
            out = super().transform(results)
        except Exception as err:
            raise IOError(
                f'Cannot read or decode image {results.get("img_path")} '
                f'(dataset index {results.get("sample_idx", "?")}): {err}. '
                f'Replace or delete the file (and its annotation line), or '
                f'set ignore_empty=True on CheckedLoadImageFromFile to skip '
                f'unreadable images.') from err
        return out


def pil_to_rgb(img, background=(124, 116, 104)):
    """A PIL image of any mode -> (H, W, 3) uint8 RGB array.

    - 16- and 32-bit integer images (``I;16``, ``I``) are scaled to 8 bits
      by their type's range (Pillow's own ``convert`` would clip at 255);
      float images (``F``) by their own min and max;
    - transparency (``RGBA``, ``LA``, palettes with a transparent colour)
      is composited over ``background`` (MMCV's Pillow loader uses this
      ImageNet-mean colour, which the usual normalisation maps to about 0);
    - everything else (``L``, ``1``, ``P``, ``CMYK``, ``YCbCr``, ...) goes
      through ``convert('RGB')``.
    """
    import numpy as np
    from PIL import Image
    if img.mode in ('I;16', 'I;16B', 'I;16L', 'I;16N', 'I', 'F'):
        array = np.asarray(img, dtype=np.float64)
        if img.mode == 'F':
            low, high = array.min(), array.max()
            array = (array - low) / max(high - low, 1e-12) * 255
        elif img.mode.startswith('I;16') or array.max() > 255:
            array = array / (257. if array.max() <= 65535 else 16843009.)
        gray = np.clip(np.rint(array), 0, 255).astype(np.uint8)
        return np.repeat(gray[..., None], 3, axis=2)
    if img.mode in ('RGBA', 'LA', 'PA') or (
            img.mode == 'P' and 'transparency' in img.info):
        rgba = img.convert('RGBA')
        flat = Image.new('RGB', rgba.size, tuple(background))
        flat.paste(rgba, mask=rgba.getchannel('A'))
        img = flat
    return np.asarray(img.convert('RGB'), dtype=np.uint8).copy()


@TRANSFORMS.register_module()
class LoadImageRGB:
    """Read ``results['img_path']`` with Pillow as an (H, W, 3) uint8 **RGB**
    array, whatever its mode (grayscale, palette, CMYK, 16-bit, alpha:
    :func:`pil_to_rgb`), turned upright by its EXIF orientation.

    Sets ``img``, ``img_shape`` and ``ori_shape``. Configs that use it
    normalise with ``to_rgb=False`` (the channels are already RGB). A file
    that cannot be decoded raises ``IOError`` naming it and its index
    (``ImageFolder`` skips such files before training starts).

    Args:
        background (tuple): RGB colour under transparent pixels.
    """

    def __init__(self, background: tuple = (124, 116, 104)):
        self.background = tuple(background)

    def __call__(self, results: dict) -> dict:
        from PIL import Image, ImageOps
        path = results['img_path']
        try:
            with Image.open(path) as img:
                img = ImageOps.exif_transpose(img)
                array = pil_to_rgb(img, self.background)
        except Exception as err:
            raise IOError(
                f'Cannot read or decode image {path} (dataset index '
                f'{results.get("sample_idx", "?")}): {err}. Replace or '
                f'delete the file.') from err
        results.update(img=array, img_shape=array.shape[:2],
                       ori_shape=array.shape[:2])
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(background={self.background})'
