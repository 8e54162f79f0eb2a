"""MMSegmentation dataset of the demo segmentation set, and a label check
that names a bad label map instead of letting it train or crash late."""
import numpy as np
from mmcv.transforms import BaseTransform

from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS, TRANSFORMS
from mmpretrain.datasets import FashionMNIST

# 0 = background, then the demo COCO categories (Fashion-MNIST's classes)
SEG_CLASSES = ('background', *FashionMNIST.METAINFO['classes'])


@DATASETS.register_module()
class DemoSegDataset(BaseSegDataset):
    """``data_root/img_dir/{split}/*.png`` images with
    ``ann_dir/{split}/*.png`` class maps (0 = background, 1-10 the
    Fashion-MNIST classes); made by tools/data/make_demo_seg.py."""

    METAINFO = dict(
        classes=SEG_CLASSES,
        palette=[[0, 0, 0]] + [[(37 * i) % 256, (91 * i) % 256,
                                (151 * i) % 256] for i in range(1, 11)])

    def __init__(self, **kwargs) -> None:
        super().__init__(img_suffix='.png', seg_map_suffix='.png',
                         reduce_zero_label=False, **kwargs)


@TRANSFORMS.register_module()
class CheckSegLabels(BaseTransform):
    """After ``LoadAnnotations``: every label in ``gt_seg_map`` must be a
    class id (0 to num_classes - 1) or ``ignore_index``; otherwise a
    ``ValueError`` names the file, the bad ids and the fix. MMSegmentation
    would otherwise fail inside the loss (a CUDA assert on GPUs) or, for an
    id below 255, train on a class that does not exist."""

    def __init__(self, num_classes: int, ignore_index: int = 255) -> None:
        self.num_classes, self.ignore_index = num_classes, ignore_index

    def transform(self, results: dict) -> dict:
        ids = np.unique(results['gt_seg_map'])
        bad = [int(i) for i in ids
               if i >= self.num_classes and i != self.ignore_index]
        if bad:
            raise ValueError(
                f'label map {results.get("seg_map_path")} has ids {bad}, '
                f'outside the {self.num_classes} classes (0-'
                f'{self.num_classes - 1}; {self.ignore_index} = ignore). '
                f'Fix the map, set the model\'s num_classes and the '
                f'dataset\'s classes to include them, or map them to '
                f'{self.ignore_index}.')
        return results
