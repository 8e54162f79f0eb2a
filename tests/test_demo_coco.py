"""The generated demo COCO set: exact, self-consistent, deterministic, and
readable by pycocotools and MMDetection."""
import contextlib
import io
import json
import os
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from conftest import FMNIST_ROOT

from tools.data import make_demo_coco as demo

SMALL = dict(num_train=12, num_val=6, img_size=128, seed=0, max_objects=4,
             fmnist_root=FMNIST_ROOT)


def quiet_coco(path):
    with contextlib.redirect_stdout(io.StringIO()):
        return COCO(path)


@pytest.fixture(scope='module')
def demo_set(tmp_path_factory):
    return demo.make_demo_coco(tmp_path_factory.mktemp('demo') / 'coco',
                               **SMALL)


def test_layout_and_summary(demo_set):
    out = demo_set['out_dir']
    assert demo_set['train_json'] == osp.join(
        out, 'annotations', 'instances_train.json')
    assert demo_set['val_json'] == osp.join(
        out, 'annotations', 'instances_val.json')
    assert len(os.listdir(osp.join(out, 'train'))) == 12
    assert len(os.listdir(osp.join(out, 'val'))) == 6
    assert len(os.listdir(osp.join(out, 'test'))) == 6  # as many as val
    assert demo_set['test_json'] == osp.join(
        out, 'annotations', 'instances_test.json')
    assert not demo_set['skipped']
    assert demo_set['summary']['train']['images'] == 12


@pytest.mark.parametrize('split', ['train', 'val', 'test'])
def test_annotations_are_exact_and_inside(demo_set, split):
    from mmpretrain.datasets import FashionMNIST
    coco = quiet_coco(demo_set[f'{split}_json'])
    names = [c['name'] for c in coco.loadCats(coco.getCatIds())]
    assert coco.getCatIds() == list(range(1, 11))
    assert tuple(names) == FashionMNIST.METAINFO['classes']
    assert len(coco.getImgIds()) == SMALL[
        f'num_{"val" if split == "test" else split}']
    for img in coco.loadImgs(coco.getImgIds()):
        pixels = cv2.imread(osp.join(demo_set[f'{split}_dir'],
                                     img['file_name']))
        assert pixels.shape == (img['height'], img['width'], 3)
        assert coco.getAnnIds(imgIds=img['id']), 'an image without objects'
    for ann in coco.loadAnns(coco.getAnnIds()):
        img = coco.imgs[ann['image_id']]
        mask = coco.annToMask(ann).astype(bool)
        x, y, w, h = ann['bbox']
        assert mask.any() and ann['iscrowd'] == 0
        assert ann['area'] == mask.sum()
        assert w > 0 and h > 0 and x >= 0 and y >= 0
        assert x + w <= img['width'] and y + h <= img['height']
        ys, xs = np.nonzero(mask)  # within the box, 1 px tolerance
        assert xs.min() >= x - 1 and xs.max() + 1 <= x + w + 1
        assert ys.min() >= y - 1 and ys.max() + 1 <= y + h + 1
        # ... and the box is tight, as pycocotools computes it
        assert ann['bbox'] == mask_utils.toBbox(ann['segmentation']).tolist()


def test_masks_are_exactly_the_painted_pixels():
    """Outside the masks the image is the background photo crop; inside,
    (nearly) every pixel was painted over."""
    items = demo.load_fashion_mnist(FMNIST_ROOT, 't10k')
    for seed in range(5):
        background = demo.random_background(np.random.default_rng(seed), 96)
        img, instances = demo.make_image(np.random.default_rng(seed), *items,
                                         96, 4)
        union = np.any([mask for _, mask in instances], axis=0)
        assert (img[~union] == background[~union]).all()
        assert (img[union] != background[union]).any(-1).mean() > 0.9


def test_visible_masks_do_not_overlap(demo_set):
    """Occlusion: each pixel belongs to at most one (the topmost) object."""
    coco = quiet_coco(demo_set['train_json'])
    for img_id in coco.getImgIds():
        masks = [coco.annToMask(a) for a in
                 coco.loadAnns(coco.getAnnIds(imgIds=img_id))]
        assert np.sum(masks, axis=0).max() == 1


def test_draw_sample(demo_set, tmp_path):
    out = demo.draw_sample(demo_set['val_json'], demo_set['val_dir'], 1,
                           str(tmp_path / 'sample.png'))
    img = cv2.imread(out)
    assert img is not None and img.shape == (512, 1024, 3)
    assert osp.getsize(out) > 10_000 and img.std() > 10
    with pytest.raises(KeyError, match='No image id 99'):
        demo.draw_sample(demo_set['val_json'], demo_set['val_dir'], 99,
                         str(tmp_path / 'none.png'))


def _read(path):
    with open(path, 'rb') as f:
        return f.read()


def test_same_seed_same_bytes_other_seed_differs(demo_set, tmp_path):
    tiny = dict(SMALL, num_train=3, num_val=2)
    a = demo.make_demo_coco(tmp_path / 'a', **tiny)
    b = demo.make_demo_coco(tmp_path / 'b', **tiny)
    c = demo.make_demo_coco(tmp_path / 'c', **dict(tiny, seed=1))
    for key in ('train_json', 'val_json'):
        assert _read(a[key]) == _read(b[key])
        assert _read(a[key]) != _read(c[key])
    assert _read(osp.join(a['val_dir'], '000002.png')) == _read(
        osp.join(b['val_dir'], '000002.png'))
    # Image k does not depend on how many images were asked for.
    big = quiet_coco(demo_set['train_json'])
    small = quiet_coco(a['train_json'])
    assert [x['segmentation'] for x in small.loadAnns(small.getAnnIds())] == \
        [x['segmentation'] for x in big.loadAnns(big.getAnnIds(imgIds=[1, 2,
                                                                       3]))]


def test_idempotent_and_regenerates_on_new_args(tmp_path):
    tiny = dict(SMALL, num_train=2, num_val=1)
    first = demo.make_demo_coco(tmp_path / 's', **tiny)
    stamp = os.stat(first['train_json']).st_mtime_ns
    again = demo.make_demo_coco(tmp_path / 's', **tiny)
    assert again['skipped'] and again['summary'] == first['summary']
    assert os.stat(first['train_json']).st_mtime_ns == stamp
    other = demo.make_demo_coco(tmp_path / 's', **dict(tiny, num_train=3))
    assert not other['skipped']
    assert sorted(os.listdir(other['train_dir'])) == [
        '000001.png', '000002.png', '000003.png']
    assert json.load(open(other['meta']))['args']['num_train'] == 3
    assert sorted(os.listdir(tmp_path)) == ['s']  # no temporary folders left
    with open(other['val_json'], 'w') as f:
        f.write('damaged')
    forced = demo.make_demo_coco(tmp_path / 's', **dict(tiny, num_train=3),
                                 force=True)
    assert not forced['skipped'] and quiet_coco(forced['val_json']).anns


def test_interrupted_run_leaves_no_set(tmp_path, monkeypatch):
    def fail(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(demo, 'write_split', fail)
    with pytest.raises(KeyboardInterrupt):
        demo.make_demo_coco(tmp_path / 's', **SMALL)
    assert os.listdir(tmp_path) == []


def test_refuses_to_replace_a_foreign_folder(tmp_path):
    (tmp_path / 's').mkdir()
    (tmp_path / 's' / 'mine.txt').write_text('keep me')
    with pytest.raises(FileExistsError, match='no meta.json'):
        demo.make_demo_coco(tmp_path / 's', **dict(SMALL, num_train=1,
                                                   num_val=1))
    assert (tmp_path / 's' / 'mine.txt').read_text() == 'keep me'


def test_missing_fashion_mnist_names_path_and_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match=r'train-images-idx3-ubyte is '
                       r'missing.*bash tools/setup.sh'):
        demo.make_demo_coco(tmp_path / 's', **dict(SMALL,
                                                   fmnist_root=str(tmp_path)))


@pytest.mark.parametrize('iou_type', ['bbox', 'segm'])
def test_cocoeval_scores_ground_truth_as_detections_1(demo_set, iou_type):
    gt = quiet_coco(demo_set['val_json'])
    dets = [dict(image_id=a['image_id'], category_id=a['category_id'],
                 score=1.0, **({'bbox': a['bbox']} if iou_type == 'bbox'
                               else {'segmentation': a['segmentation']}))
            for a in gt.loadAnns(gt.getAnnIds())]
    with contextlib.redirect_stdout(io.StringIO()):
        ev = COCOeval(gt, gt.loadRes(dets), iou_type)
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    assert ev.stats[0] == pytest.approx(1.0)  # AP @ IoU .50:.95


@pytest.fixture(scope='module')
def mmdet_val(demo_set):
    from mmcv.transforms import LoadImageFromFile
    from mmdet.datasets.transforms import LoadAnnotations, PackDetInputs
    from finola_mm.downstream.detection import CheckedCocoDataset
    # Transform objects, not dicts: no MMDetection default scope needed.
    return CheckedCocoDataset(
        data_root=demo_set['out_dir'],
        ann_file='annotations/instances_val.json',
        data_prefix=dict(img='val/'), test_mode=True,
        metainfo=dict(classes=demo.CLASSES),
        pipeline=[LoadImageFromFile(),
                  LoadAnnotations(with_bbox=True, with_mask=True),
                  PackDetInputs()])


def test_mmdet_dataset_loads_boxes_and_masks(mmdet_val, demo_set):
    coco = quiet_coco(demo_set['val_json'])
    assert len(mmdet_val) == SMALL['num_val']
    for i in range(len(mmdet_val)):
        item = mmdet_val[i]
        gt = item['data_samples'].gt_instances
        anns = coco.loadAnns(coco.getAnnIds(
            imgIds=item['data_samples'].img_id))
        assert item['inputs'].shape == (3, 128, 128)
        assert len(gt) == len(anns) > 0
        assert gt.bboxes.tensor.shape == (len(anns), 4)
        assert gt.masks.masks.shape == (len(anns), 128, 128)
        assert gt.masks.masks.sum((1, 2)).tolist() == [a['area']
                                                       for a in anns]
        assert gt.labels.tolist() == [a['category_id'] - 1 for a in anns]


def test_coco_metric_scores_ground_truth_as_predictions_1(mmdet_val,
                                                          demo_set):
    from mmdet.evaluation import CocoMetric
    metric = CocoMetric(ann_file=demo_set['val_json'],
                        metric=['bbox', 'segm'])
    metric.dataset_meta = mmdet_val.metainfo
    for i in range(len(mmdet_val)):
        sample = mmdet_val[i]['data_samples']
        gt = sample.gt_instances
        metric.process({}, [dict(
            img_id=sample.img_id, ori_shape=sample.ori_shape,
            pred_instances=dict(
                bboxes=gt.bboxes.tensor, labels=gt.labels,
                scores=torch.ones(len(gt)),
                masks=torch.from_numpy(gt.masks.masks).bool()))])
    with contextlib.redirect_stdout(io.StringIO()):
        scores = metric.evaluate(len(mmdet_val))
    assert scores['coco/bbox_mAP'] == pytest.approx(1.0)
    assert scores['coco/segm_mAP'] == pytest.approx(1.0)


def test_object_sides_bound_every_object(tmp_path):
    """The ranking set's option: each object's full area is a side in
    [lo, hi] squared, so a visible object is never larger than hi^2 (nor
    its box wider than the rotated item can be)."""
    made = demo.make_demo_coco(tmp_path / 's', **dict(
        SMALL, img_size=64, max_objects=3, object_sides=(20, 30)))
    coco = quiet_coco(made['train_json'])
    anns = coco.loadAnns(coco.getAnnIds())
    assert anns and all(a['area'] <= 30 ** 2 for a in anns)
    # a 20-30 px side: no object is one of the default mix's 8-px specks
    assert all(max(a['bbox'][2:]) >= 8 for a in anns)
    # the option is part of the set's identity: without it, it regenerates
    again = demo.make_demo_coco(tmp_path / 's', **dict(
        SMALL, img_size=64, max_objects=3))
    assert not again['skipped']


@pytest.mark.parametrize('sides', [(0, 10), (30, 20), (20, 65)])
def test_bad_object_sides_name_the_fix(tmp_path, sides):
    with pytest.raises(ValueError, match=r'object_sides=.*must be \(lo, hi\)'
                       r'.*img_size=64'):
        demo.make_demo_coco(tmp_path / 's', **dict(
            SMALL, img_size=64, object_sides=sides))


def test_plain_style_is_grey_items_on_black(tmp_path):
    """style='plain': outside every mask the image is black, and every
    pixel is grey (R = G = B), as the Fashion-MNIST images themselves."""
    made = demo.make_demo_coco(tmp_path / 's', **dict(
        SMALL, img_size=64, max_objects=3, object_sides=(20, 40),
        style='plain'))
    coco = quiet_coco(made['train_json'])
    for img in coco.loadImgs(coco.getImgIds()):
        pixels = cv2.imread(osp.join(made['train_dir'], img['file_name']))
        assert (pixels == pixels[..., :1]).all()
        inside = np.zeros(pixels.shape[:2], bool)
        for a in coco.loadAnns(coco.getAnnIds(imgIds=img['id'])):
            inside |= coco.annToMask(a).astype(bool)
        assert inside.any() and (pixels[~inside] == 0).all()
    with pytest.raises(ValueError, match="style='sketch'.*'photo'.*'plain'"):
        demo.make_demo_coco(tmp_path / 't', **dict(SMALL, style='sketch'))


def test_val_and_test_cut_their_items_from_disjoint_halves():
    """Choices are made on val and the report on test: their objects come
    from the two halves of Fashion-MNIST's t10k file, so no item is in
    both; train comes from the train file."""
    full, labels = demo.load_fashion_mnist(FMNIST_ROOT, 't10k')
    val, _ = demo.source_items(FMNIST_ROOT, 'val', 't10k')
    test, test_labels = demo.source_items(FMNIST_ROOT, 'test', 't10k')
    assert len(val) + len(test) == len(full) == 10000
    assert (val == full[:5000]).all() and (test == full[5000:]).all()
    assert (test_labels == labels[5000:]).all()
    train, _ = demo.source_items(FMNIST_ROOT, 'train', 'train')
    assert len(train) == 60000
