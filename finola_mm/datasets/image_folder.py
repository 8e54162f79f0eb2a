"""A folder of images as a dataset: CIFAR-10 as prepared by
``tools/data/prepare_cifar10.py``, or a user's own images.

MMPretrain's ``CustomDataset`` lists the files; this subclass adds what a
folder found in the wild needs: a clear error for an empty folder, one
warning naming the files that cannot be decoded (skipped; more than
``max_unreadable`` of them is an error), and the fixed class-balanced
splits of ``finola_mm.datasets.splits``.
"""
import os
import os.path as osp
import warnings
from typing import Optional, Union

from mmpretrain.datasets import CustomDataset
from mmpretrain.registry import DATASETS

from .splits import read_split

IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp', '.ppm', '.pgm', '.pbm',
                    '.tif', '.tiff', '.webp', '.gif')


def image_problem(path: str) -> Optional[str]:
    """None if ``path`` decodes as an image, else why it does not.

    JPEGs are decoded at a reduced scale (``draft``): the whole entropy-coded
    stream is still read, so truncation is caught, at a fraction of the
    cost of a full decode of a large photo.
    """
    from PIL import Image
    try:
        with Image.open(path) as img:
            img.draft('RGB', (64, 64))
            img.load()
    except Exception as err:  # PIL raises many types for bad files
        return f'{type(err).__name__}: {err}'
    return None


def has_subfolders(folder: str) -> bool:
    return any(e.is_dir() and not e.name.startswith('.')
               for e in os.scandir(folder))


@DATASETS.register_module()
class ImageFolder(CustomDataset):
    """Images under ``data_root/data_prefix``, labelled by class subfolder
    or not, with fixed splits and a readability check.

    Args:
        data_root (str): the dataset folder (holds ``splits.json``).
        data_prefix (str): the subfolder with the images, e.g. ``'train'``
            or ``'test'``; ``''`` for the root itself.
        with_label (bool): ``True``: one subfolder per class (sorted names
            are the classes); ``False`` (default): every image under the
            folder, at any depth, unlabelled, as pretraining needs.
        split (str, optional): a split of ``splits.json`` (``train``,
            ``val``, ``probe``, ``lowshot``, ``online_bank``, ``val_query``);
            needs ``with_label=True``. None: every image.
        check_images (bool): decode every listed image once at start-up,
            skip the unreadable ones with one warning. Default True.
        max_unreadable (float): the fraction of unreadable images above
            which the dataset refuses to start. Default 0.01.
        extensions (tuple): file endings that count as images.
        **kwargs: ``CustomDataset``'s (``pipeline``, ``indices``, ...).
    """

    def __init__(self, data_root: str = '', data_prefix: Union[str, dict] = '',
                 with_label: bool = False,
                 split: Optional[str] = None, check_images: bool = True,
                 max_unreadable: float = 0.01,
                 extensions: tuple = IMAGE_EXTENSIONS, **kwargs):
        if split is not None and not with_label:
            raise ValueError(f'ImageFolder(split={split!r}) needs labels '
                             '(class subfolders): set with_label=True.')
        self.split, self.check_images = split, check_images
        self.skipped = []  # unreadable images left out, by path
        self.max_unreadable = max_unreadable
        super().__init__(data_root=data_root, data_prefix=data_prefix,
                         with_label=with_label, extensions=extensions,
                         **kwargs)

    def _find_samples(self):
        folder = osp.normpath(self.img_prefix)
        looked_for = ', '.join(sorted(self.extensions))
        if not osp.isdir(folder):
            raise FileNotFoundError(
                f'Image folder {folder} does not exist. Point the config '
                f'at your images, e.g. --cfg-options '
                f'train_dataloader.dataset.data_root=/path/to/images.')
        if self.with_label and not has_subfolders(folder):
            raise RuntimeError(
                f'Image folder {folder} has no class subfolders, which a '
                f'labelled dataset (with_label=True) reads as classes. Put '
                f'the images in one subfolder per class, or use '
                f'with_label=False for pretraining.')
        try:
            samples = super()._find_samples()
        except RuntimeError as err:
            if 'Found 0 files' not in str(err):
                raise
            raise RuntimeError(
                f'Image folder {folder} has no images: looked for files '
                f'ending in {looked_for} (any case) '
                f'{"in its class subfolders" if self.with_label else "at any depth"}.'
                f' Point data_root at a folder of images.') from None
        others = self._other_files(folder)
        if others:
            warnings.warn(f'Ignoring {len(others)} file(s) in {folder} that '
                          f'are not images (by their ending; looked for '
                          f'{looked_for}): {", ".join(others[:5])}'
                          f'{" ..." if len(others) > 5 else ""}')
        return samples

    def _other_files(self, folder: str) -> list:
        """Visible files under ``folder`` that are not images by name."""
        found = []
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = [d for d in dirnames if not d.startswith('.')]
            found += [osp.relpath(osp.join(dirpath, f), folder)
                      for f in sorted(filenames) if not f.startswith('.')
                      and not self.is_valid_file(f)]
        return found

    def load_data_list(self):
        data_list = super().load_data_list()
        if self.split is not None:
            labels = [d['gt_label'] for d in data_list]
            data_list = [data_list[i] for i in read_split(
                self.data_root, self.split, labels)]
        if self.check_images:
            data_list = self._drop_unreadable(data_list)
        return data_list

    def _drop_unreadable(self, data_list: list) -> list:
        bad = [(d['img_path'], why) for d in data_list
               if (why := image_problem(d['img_path'])) is not None]
        self.skipped = [p for p, _ in bad]
        if not bad:
            return data_list
        listing = '\n'.join(f'  {p} ({why})' for p, why in bad[:5])
        more = f'\n  ... and {len(bad) - 5} more' if len(bad) > 5 else ''
        if len(bad) > self.max_unreadable * len(data_list):
            raise RuntimeError(
                f'{len(bad)} of {len(data_list)} images in '
                f'{osp.normpath(self.img_prefix)} '
                f'cannot be read (more than {self.max_unreadable:.0%}); '
                f'the first:\n{listing}{more}\nReplace or delete them, or '
                f'raise max_unreadable on the dataset.')
        warnings.warn(f'Skipping {len(bad)} unreadable image(s) of '
                      f'{len(data_list)} in {osp.normpath(self.img_prefix)}:'
                      f'\n{listing}'
                      f'{more}')
        skipped = set(self.skipped)
        return [d for d in data_list if d['img_path'] not in skipped]
