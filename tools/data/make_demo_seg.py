"""Make the demo semantic-segmentation set, deterministically from the demo
COCO set (tools/data/make_demo_coco.py, made first if missing): each image's instance masks
become one class map (0 = background, 1-10 = the Fashion-MNIST classes in
COCO's category order). The demo COCO annotations describe only what is
visible, so the masks do not overlap and the map is exact.

Layout (MMSegmentation's ``BaseSegDataset`` reads it as it is)::

    out_dir/img_dir/{train,val,test}/000001.png    # the demo COCO images
    out_dir/ann_dir/{train,val,test}/000001.png    # uint8 class maps
    out_dir/meta.json                         # the source's meta; last

    python tools/data/make_demo_seg.py --out data/demo_seg
"""
import argparse
import json
import os
import os.path as osp
import shutil
import sys

import cv2
import numpy as np

from finola_mm.downstream.segmentation.demo_seg_dataset import SEG_CLASSES
# the repository root, so that `tools.` imports when run as a script
sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
from tools.data.make_demo_coco import make_demo_coco  # noqa: E402
SPLITS = ('train', 'val', 'test')  # the demo COCO set's


def class_map(coco, image_id: int) -> np.ndarray:
    """(H, W) uint8: the category id of each pixel, 0 where no object."""
    info = coco.loadImgs(image_id)[0]
    seg = np.zeros((info['height'], info['width']), np.uint8)
    for ann in coco.loadAnns(coco.getAnnIds(imgIds=image_id)):
        seg[coco.annToMask(ann) > 0] = ann['category_id']
    return seg


def make_demo_seg(out_dir: str, coco_dir: str, force: bool = False,
                  **coco_kwargs) -> dict:
    """Write the set into ``out_dir`` from the demo COCO set in ``coco_dir``
    (made there first with ``coco_kwargs`` if missing). Kept when its
    meta.json says it was made from the same COCO set, unless ``force``.
    Returns the meta (with ``out_dir`` and per-split pixel counts)."""
    from pycocotools.coco import COCO
    made = make_demo_coco(coco_dir, **coco_kwargs)
    with open(osp.join(coco_dir, 'meta.json')) as f:
        source = json.load(f)
    meta_path = osp.join(out_dir, 'meta.json')
    if not force and osp.isfile(meta_path):
        with open(meta_path) as f:
            meta = json.load(f)
        if meta.get('source') == source:
            return dict(meta, out_dir=out_dir, skipped=True)
    shutil.rmtree(out_dir, ignore_errors=True)
    counts = {}
    for split in SPLITS:
        coco = COCO(made[f'{split}_json'])
        for sub in ('img_dir', 'ann_dir'):
            os.makedirs(osp.join(out_dir, sub, split), exist_ok=True)
        pixels = np.zeros(len(SEG_CLASSES), np.int64)
        for image_id in sorted(coco.getImgIds()):
            name = coco.loadImgs(image_id)[0]['file_name']
            seg = class_map(coco, image_id)
            pixels += np.bincount(seg.ravel(), minlength=len(SEG_CLASSES))
            shutil.copyfile(osp.join(made[f'{split}_dir'], name),
                            osp.join(out_dir, 'img_dir', split, name))
            stem = osp.splitext(name)[0]
            if not cv2.imwrite(osp.join(out_dir, 'ann_dir', split,
                                        stem + '.png'), seg):
                raise OSError(f'could not write the class map of {name} '
                              f'into {out_dir}')
        counts[split] = dict(images=len(coco.getImgIds()),
                             pixels=dict(zip(SEG_CLASSES, pixels.tolist())))
    meta = dict(source=source, classes=list(SEG_CLASSES), summary=counts)
    with open(meta_path + '.tmp', 'w') as f:
        json.dump(meta, f, indent=1)
    os.replace(meta_path + '.tmp', meta_path)
    return dict(meta, out_dir=out_dir, skipped=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out', default='data/demo_seg')
    parser.add_argument('--coco', default='data/demo_coco')
    parser.add_argument('--force', action='store_true')
    args = parser.parse_args()
    meta = make_demo_seg(args.out, args.coco, force=args.force)
    print(f'{"Found" if meta["skipped"] else "Made"} demo segmentation set '
          f'in {meta["out_dir"]}')
    for split, summary in meta['summary'].items():
        print(f'  {split}: {summary["images"]} images')


if __name__ == '__main__':
    main()
