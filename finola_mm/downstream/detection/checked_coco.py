"""MMDetection's CocoDataset that refuses bad annotations with a clear error.

MMDetection silently drops boxes that fall outside their image and fails
with a bare ``KeyError`` on an unknown category id; either way a broken
annotation file trains quietly on less (or crashes without saying where).
"""
from typing import List, Union

from mmdet.datasets import CocoDataset
from mmdet.registry import DATASETS


@DATASETS.register_module()
class CheckedCocoDataset(CocoDataset):
    """``CocoDataset`` whose annotations are checked as they are parsed.

    Raises ``ValueError`` naming the annotation file, image, annotation id
    and the problem for: a box with non-positive width/height, a box outside
    its image (beyond ``tolerance`` px), or a category id not in the
    dataset's classes. Args are ``CocoDataset``'s, plus ``tolerance``.
    """

    def __init__(self, *args, tolerance: float = 1.0, **kwargs) -> None:
        self.tolerance = tolerance
        super().__init__(*args, **kwargs)

    def parse_data_info(self, raw_data_info: dict) -> Union[dict, List[dict]]:
        img = raw_data_info['raw_img_info']
        for ann in raw_data_info['raw_ann_info']:
            problem = self._problem(ann, img)
            if problem:
                raise ValueError(
                    f'Bad annotation in {self.ann_file}: image '
                    f'{img["file_name"]} (id {img["img_id"]}, '
                    f'{img["width"]}x{img["height"]}), annotation id '
                    f'{ann.get("id")}: {problem}. Fix or remove it (boxes '
                    f'are [x, y, w, h] in pixels of that image).')
        return super().parse_data_info(raw_data_info)

    def _problem(self, ann: dict, img: dict) -> str:
        if ann.get('ignore', False) or ann.get('iscrowd', False):
            return ''
        if ann['category_id'] not in self.cat2label:
            return (f'category_id {ann["category_id"]} is not one of the '
                    f'dataset classes {self.metainfo["classes"]} '
                    f'(ids {sorted(self.cat2label)})')
        x, y, w, h = ann['bbox']
        if w <= 0 or h <= 0:
            return f'bbox {ann["bbox"]} has non-positive width or height'
        t = self.tolerance
        if x < -t or y < -t or x + w > img['width'] + t or \
                y + h > img['height'] + t:
            return f'bbox {ann["bbox"]} lies outside the image'
        return ''
