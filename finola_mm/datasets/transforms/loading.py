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
