"""Make a small, deterministic COCO-format instance-segmentation set offline.

Fashion-MNIST objects are cut out with a pixel threshold (so every mask is
exact), scaled, rotated and tinted, and pasted onto random crops of the
photos that ship with scikit-image and scikit-learn. Later pastes occlude
earlier ones; annotations describe only what is visible. See
docs/demo_coco.md.

Layout (other code depends on it)::

    out_dir/annotations/instances_train.json
    out_dir/annotations/instances_val.json
    out_dir/annotations/instances_test.json
    out_dir/train/000001.png ...
    out_dir/val/000001.png ...
    out_dir/test/000001.png ...
    out_dir/meta.json            # the arguments; written last

Usage (tools/ is a package: run from the repository root)::

    python tools/data/make_demo_coco.py --out data/demo_coco
    python tools/data/make_demo_coco.py --out data/demo_coco --draw 1

    from tools.data.make_demo_coco import make_demo_coco
"""
import argparse
import colorsys
import functools
import importlib.util
import json
import math
import os
import os.path as osp
import shutil
import tempfile
import time

import cv2
import numpy as np
from pycocotools import mask as mask_utils
from scipy import ndimage

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
FMNIST_ROOT = osp.join(ROOT, 'data', 'fashion_mnist')
# mmpretrain.datasets.FashionMNIST.METAINFO['classes'] (a test checks it);
# category ids are 1..10 in this order.
CLASSES = ('T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal',
           'Shirt', 'Sneaker', 'Bag', 'Ankle boot')
# Bump when the recipe changes, so sets made by an older recipe regenerate.
# 2: a `test` split beside `val`, each from its own half of t10k
VERSION = 2

FG_THRESHOLD = 16      # Fashion-MNIST value (0-255) above which a pixel is
                       # object: its background is 0, edges fade in ~1-2 px.
SMALL_HOLE_PX = 8      # at 28 px: fill pinholes and drop specks this small;
                       # larger holes (a bag's handle) stay holes.
MIN_VISIBLE_FRAC = 0.3  # drop an object with less of its own area visible
MIN_VISIBLE_PX = 16     # ... or fewer visible pixels than this
MAX_ANGLE = 30.0       # degrees; garments stay roughly upright
OVERHANG = 0.25        # a patch may stick out this fraction past a border
# COCO's area buckets (px^2), as COCOeval reports APs / APm / APl; an object
# picks a bucket with these odds, then an area log-uniformly inside it.
SIZE_BUCKETS = (('small', 8 ** 2, 32 ** 2, 0.4),
                ('medium', 32 ** 2, 96 ** 2, 0.4),
                ('large', 96 ** 2, None, 0.2))
MAX_AREA_FRAC = 0.7    # upper end of 'large', as a fraction of the image
# Background photos that ship with scikit-image 0.26 and scikit-learn.
SKIMAGE_PHOTOS = ('astronaut', 'coffee', 'chelsea', 'rocket',
                  'hubble_deep_field', 'immunohistochemistry', 'retina',
                  'colorwheel', 'camera', 'brick', 'grass', 'gravel', 'coins',
                  'moon')
SKLEARN_PHOTOS = ('china.jpg', 'flower.jpg')  # load_sample_images()
# ours, Fashion-MNIST's file; val and test each take their own half of
# t10k (SOURCE_HALF), so no item is in both: choices are made on val, the
# report is scored on test
SPLITS = (('train', 'train'), ('val', 't10k'), ('test', 't10k'))
SOURCE_HALF = {'val': 0, 'test': 1}


# ----------------------------------------------------------------- sources
def load_fashion_mnist(root, prefix):
    """Images (N, 28, 28) uint8 and labels (N,) int64 from gunzipped idx."""
    paths = [osp.join(root, f'{prefix}-{kind}-ubyte')
             for kind in ('images-idx3', 'labels-idx1')]
    for path in paths:
        if not osp.isfile(path):
            raise FileNotFoundError(
                f'Fashion-MNIST file {path} is missing; the demo COCO set is '
                f'cut from it. Run `bash tools/setup.sh` from the repository '
                f'root.')
    images = np.fromfile(paths[0], dtype=np.uint8, offset=16)
    labels = np.fromfile(paths[1], dtype=np.uint8, offset=8).astype(np.int64)
    if images.size != labels.size * 28 * 28 or labels.max(initial=0) > 9:
        raise RuntimeError(f'Fashion-MNIST files {paths} are corrupt or '
                           f'truncated; delete them and run '
                           f'`bash tools/setup.sh`.')
    return images.reshape(-1, 28, 28), labels


@functools.lru_cache(maxsize=1)
def load_photos():
    """The background photos, a tuple of (H, W, 3) uint8 RGB arrays."""
    import skimage.data
    from PIL import Image
    photos = [getattr(skimage.data, name)() for name in SKIMAGE_PHOTOS]
    # scikit-learn's load_sample_images() reads these with PIL too; reading
    # the files directly skips importing sklearn (~3 s).
    sklearn_dir = osp.dirname(importlib.util.find_spec('sklearn').origin)
    photos += [np.asarray(Image.open(osp.join(
        sklearn_dir, 'datasets', 'images', name)).convert('RGB'))
        for name in SKLEARN_PHOTOS]
    return tuple(np.ascontiguousarray(np.broadcast_to(
        p[..., None] if p.ndim == 2 else p[..., :3], p.shape[:2] + (3,)))
        for p in photos)


# ---------------------------------------------------------------- an image
def random_background(rng, size):
    """A random square crop of a random photo, resized: (size, size, 3)."""
    photo = load_photos()[rng.integers(len(load_photos()))]
    side = min(photo.shape[:2])
    crop = int(rng.integers(min(side, max(64, side // 4)), side + 1))
    y = int(rng.integers(photo.shape[0] - crop + 1))
    x = int(rng.integers(photo.shape[1] - crop + 1))
    out = cv2.resize(photo[y:y + crop, x:x + crop], (size, size),
                     interpolation=cv2.INTER_AREA if crop > size
                     else cv2.INTER_LINEAR)
    return out[:, ::-1].copy() if rng.random() < 0.5 else out


def cut_out(img28):
    """Threshold a 28x28 item, fill its pinholes, drop specks, crop tight.

    Returns (intensity, mask): the tight crop's float32 values (0-255) and
    its bool mask, both (h, w) with a 1 px empty border so that resizing
    can fade the edge out.
    """
    mask = img28 > FG_THRESHOLD
    holes, n = ndimage.label(~mask)
    outside = np.unique(np.r_[holes[0], holes[-1], holes[:, 0], holes[:, -1]])
    mask[_small_parts(holes, n, keep=outside)] = True
    parts, n = ndimage.label(mask)
    largest = 1 + np.bincount(parts.ravel())[1:].argmax()  # always kept
    mask[_small_parts(parts, n, keep=[largest])] = False
    ys, xs = np.nonzero(mask)
    box = np.s_[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    return np.pad(img28[box].astype(np.float32), 1), np.pad(mask[box], 1)


def _small_parts(labels, n, keep):
    """Bool map of the labelled parts of <= SMALL_HOLE_PX px, but ``keep``."""
    sizes = np.bincount(labels.ravel(), minlength=n + 1)
    small = np.flatnonzero(sizes <= SMALL_HOLE_PX)
    small = small[(small > 0) & ~np.isin(small, keep)]
    return np.isin(labels, small)


def transform(intensity, mask, scale, angle):
    """Scale by ``scale`` and rotate by ``angle`` degrees (canvas grows).

    Both are interpolated linearly; the mask is the interpolated mask at
    >= 0.5, so it stays exact for what gets painted. Returns float32 and
    bool arrays of the same new (h, w).
    """
    h, w = mask.shape
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    inter = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    planes = [cv2.resize(a, size, interpolation=inter)
              for a in (intensity, mask.astype(np.float32))]
    rot = cv2.getRotationMatrix2D((size[0] / 2, size[1] / 2), angle, 1.0)
    cos, sin = abs(rot[0, 0]), abs(rot[0, 1])
    out = (math.ceil(size[0] * cos + size[1] * sin),
           math.ceil(size[0] * sin + size[1] * cos))
    rot[:, 2] += (out[0] - size[0]) / 2, (out[1] - size[1]) / 2
    planes = [cv2.warpAffine(p, rot, out, flags=cv2.INTER_LINEAR)
              for p in planes]
    return planes[0], planes[1] >= 0.5


def target_area(rng, img_size, object_sides=None):
    """A full (unoccluded) object area in px^2: from a random COCO bucket,
    or, with ``object_sides=(lo, hi)``, the square of a side drawn
    log-uniformly from [lo, hi] px."""
    if object_sides is not None:
        lo, hi = object_sides
        return float(np.exp(rng.uniform(np.log(lo), np.log(hi)))) ** 2
    max_area = MAX_AREA_FRAC * img_size ** 2
    buckets = [(lo, min(hi or max_area, max_area), p)
               for _, lo, hi, p in SIZE_BUCKETS if lo < max_area]
    odds = np.array([p for *_, p in buckets])
    lo, hi, _ = buckets[rng.choice(len(buckets), p=odds / odds.sum())]
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def random_object(rng, images, labels, img_size, object_sides=None,
                  style='photo'):
    """One scaled, rotated item placed in an (S, S) image: tinted
    (``style='photo'``) or in its own grey values (``'plain'``).

    Returns dict(category_id, mask (S, S) bool: its pixels inside the image,
    rgb (S, S, 3) uint8: its colours there, area: its full pixel count,
    the part outside the image included).
    """
    idx = int(rng.integers(len(images)))
    intensity, mask = cut_out(images[idx])
    scale = math.sqrt(target_area(rng, img_size, object_sides) / mask.sum())
    scale = min(scale, img_size / max(mask.shape))  # fits before rotation
    intensity, mask = transform(intensity, mask, scale,
                                rng.uniform(-MAX_ANGLE, MAX_ANGLE))
    # Tint: a random saturated colour, shaded by the item's own values so
    # its texture (seams, prints) stays visible.
    colour = np.array(colorsys.hsv_to_rgb(rng.random(), rng.uniform(0.5, 1),
                                          rng.uniform(0.6, 1))) * 255
    shade = 0.35 + 0.65 * np.clip(intensity, 0, 255) / 255
    rgb = (shade[..., None] * colour).round().astype(np.uint8)
    if style == 'plain':  # as the pretraining images: grey, untinted
        grey = np.clip(intensity, 0, 255).round().astype(np.uint8)
        rgb = np.repeat(grey[..., None], 3, axis=-1)
    h, w = mask.shape
    y0, x0 = _corner(rng, h, img_size), _corner(rng, w, img_size)
    full = np.zeros((img_size, img_size), bool)
    full_rgb = np.zeros((img_size, img_size, 3), np.uint8)
    src = np.s_[max(0, -y0):min(h, img_size - y0),
                max(0, -x0):min(w, img_size - x0)]
    dst = np.s_[max(0, y0):min(img_size, y0 + h),
                max(0, x0):min(img_size, x0 + w)]
    full[dst], full_rgb[dst] = mask[src], rgb[src]
    return dict(category_id=int(labels[idx]) + 1, mask=full, rgb=full_rgb,
                area=int(mask.sum()))


def _corner(rng, n, size):
    """A patch's first row (or column), for a patch n px long in a size px
    image: inside the image, or up to OVERHANG of the patch past a border
    (truncated objects, as in COCO)."""
    lo = math.floor(-OVERHANG * n)
    hi = max(lo, size - math.ceil((1 - OVERHANG) * n))
    return int(rng.integers(lo, hi + 1))


def resolve_occlusion(objects):
    """Visible masks, top (last pasted) down; drop the mostly hidden.

    An object is kept if at least MIN_VISIBLE_FRAC of its full area and
    MIN_VISIBLE_PX pixels are visible under the objects kept above it; a
    dropped object is not painted at all, so no unlabelled fragment stays.
    Returns [(object, visible mask)] bottom to top.
    """
    covered = np.zeros_like(objects[0]['mask'])
    kept = []
    for obj in reversed(objects):
        visible = obj['mask'] & ~covered
        need = max(MIN_VISIBLE_FRAC * obj['area'], MIN_VISIBLE_PX)
        if visible.sum() >= need:
            kept.append((obj, visible))
            covered |= visible
    return kept[::-1]


def make_image(rng, images, labels, img_size, max_objects,
               object_sides=None, style='photo'):
    """An (S, S, 3) uint8 RGB image and its [(category_id, visible mask)]:
    items on a photo crop (``style='photo'``) or, as Fashion-MNIST itself,
    grey on black (``'plain'``)."""
    while True:  # rare: everything dropped (e.g. one object mostly outside)
        img = (random_background(rng, img_size) if style == 'photo' else
               np.zeros((img_size, img_size, 3), np.uint8))
        objects = [random_object(rng, images, labels, img_size,
                                 object_sides, style)
                   for _ in range(int(rng.integers(1, max_objects + 1)))]
        kept = resolve_occlusion(objects)
        if kept:
            break
    for obj, _ in kept:  # paint bottom to top; masks are exact
        img[obj['mask']] = obj['rgb'][obj['mask']]
    return img, [(obj['category_id'], vis) for obj, vis in kept]


# -------------------------------------------------------------- annotations
def annotation(mask, category_id, image_id, ann_id):
    """A COCO annotation for a visible (H, W) bool mask.

    The segmentation is compressed RLE (counts as str): exact, so ``area``
    equals the mask's pixel count and ``annToMask`` gives it back. The box
    is [x, y, w, h] in px, tight: pixel (x, y) covers [x, x+1) x [y, y+1).
    """
    ys, xs = np.nonzero(mask)
    rle = mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))
    return dict(id=ann_id, image_id=image_id, category_id=category_id,
                segmentation=dict(size=[int(s) for s in rle['size']],
                                  counts=rle['counts'].decode('ascii')),
                area=int(mask.sum()),
                bbox=[int(xs.min()), int(ys.min()),
                      int(xs.max() - xs.min() + 1),
                      int(ys.max() - ys.min() + 1)],
                iscrowd=0)


def size_bucket(area):
    return next(name for name, _, hi, _ in SIZE_BUCKETS
                if hi is None or area < hi)


def write_split(out_dir, split, items, num_images, img_size, seed,
                max_objects, object_sides=None, style='photo'):
    """Write out_dir/{split}/*.png and the split's json; return a summary.

    ``items`` is (images (N, 28, 28) uint8, labels (N,)) for the split.
    """
    images, labels = items
    os.makedirs(osp.join(out_dir, split))
    coco = dict(info=dict(description='finola_mm demo COCO: Fashion-MNIST '
                          'items on photo crops, tools/data/make_demo_coco.py',
                          version=str(VERSION), seed=seed),
                licenses=[], images=[], annotations=[],
                categories=[dict(id=i + 1, name=name, supercategory='fashion')
                            for i, name in enumerate(CLASSES)])
    split_id = [s for s, _ in SPLITS].index(split)
    for image_id in range(1, num_images + 1):
        # One generator per image: image k is the same whatever num_images.
        rng = np.random.default_rng([seed, split_id, image_id])
        img, instances = make_image(rng, images, labels, img_size,
                                    max_objects, object_sides, style)
        name = f'{image_id:06d}.png'  # PNG: lossless, so masks match pixels
        cv2.imwrite(osp.join(out_dir, split, name), img[..., ::-1])
        coco['images'].append(dict(id=image_id, file_name=name,
                                   width=img_size, height=img_size))
        for category_id, mask in instances:
            coco['annotations'].append(annotation(
                mask, category_id, image_id, len(coco['annotations']) + 1))
    with open(osp.join(out_dir, 'annotations', f'instances_{split}.json'),
              'w') as f:
        json.dump(coco, f, separators=(',', ':'))
    anns = coco['annotations']
    return dict(images=num_images, annotations=len(anns),
                sizes={name: sum(size_bucket(a['area']) == name for a in anns)
                       for name, *_ in SIZE_BUCKETS},
                per_class=dict(zip(CLASSES, np.bincount(
                    [a['category_id'] - 1 for a in anns],
                    minlength=len(CLASSES)).tolist())))


# ------------------------------------------------------------------- driver
def source_items(root, split, prefix):
    """The Fashion-MNIST items ``split`` cuts its objects from: the whole
    ``prefix`` file, or its half SOURCE_HALF[split]."""
    images, labels = load_fashion_mnist(root, prefix)
    if split not in SOURCE_HALF:
        return images, labels
    half = len(labels) // 2
    part = slice(None, half) if SOURCE_HALF[split] == 0 else slice(half, None)
    return images[part], labels[part]


def _read_meta(out_dir):
    try:
        with open(osp.join(out_dir, 'meta.json')) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def _swap_in(tmp, out_dir):
    """Move the finished set ``tmp`` to ``out_dir``, replacing an old set.

    Renames are atomic, so ``out_dir`` is never a half set. Refuses to
    replace a non-empty folder that is not a demo set (no meta.json).
    """
    if osp.isdir(out_dir) and os.listdir(out_dir):
        if not osp.isfile(osp.join(out_dir, 'meta.json')):
            raise FileExistsError(
                f'{out_dir} exists, is not empty and has no meta.json, so it '
                f'is not a demo COCO set; remove it or choose another --out.')
        old = tempfile.mkdtemp(prefix=osp.basename(tmp) + '.old-',
                               dir=osp.dirname(tmp))
        os.rename(out_dir, osp.join(old, 'set'))
        os.rename(tmp, out_dir)
        shutil.rmtree(old)
    else:
        os.rename(tmp, out_dir)


def make_demo_coco(out_dir=osp.join(ROOT, 'data', 'demo_coco'),
                   num_train=300, num_val=100, img_size=128, seed=0,
                   max_objects=4, fmnist_root=FMNIST_ROOT, force=False,
                   object_sides=None, style='photo', num_test=None):
    """Make (or find) the demo set in ``out_dir``; return paths and counts.

    Images are ``img_size`` x ``img_size`` px with 1..``max_objects`` pasted
    items each (fewer after occlusion). Train items come from Fashion-MNIST's
    train file, val and test items from the two halves of its t10k file
    (``num_test`` images, default ``num_val``). The same arguments give
    byte-identical files; if ``out_dir/meta.json`` records the same
    arguments (and recipe VERSION) nothing is regenerated unless ``force``.
    ``object_sides=(lo, hi)`` draws every object's full-area side from
    [lo, hi] px instead of COCO's small/medium/large mix (the ranking set
    of tools/benchmarks/transfer_det.py keeps objects near the 28 px of
    the pretraining images). ``style='plain'`` pastes the items untinted on
    black, as the Fashion-MNIST images themselves; 'photo' (default)
    tints them and pastes them on photo crops.

    Returns dict(out_dir, {split}_json and {split}_dir for train, val and
    test, meta, skipped, args (as meta.json records them),
    summary={split: dict(images, annotations, sizes, per_class)}).
    """
    out_dir = osp.abspath(out_dir)
    num_test = num_val if num_test is None else num_test
    args = dict(version=VERSION, num_train=num_train, num_val=num_val,
                num_test=num_test, img_size=img_size, seed=seed,
                max_objects=max_objects)
    counts = dict(train=num_train, val=num_val, test=num_test)
    if object_sides is not None:  # absent: sets made before it existed match
        lo, hi = object_sides
        if not 1 <= lo <= hi <= img_size:
            raise ValueError(f'object_sides={object_sides!r} must be (lo, hi) '
                             f'px with 1 <= lo <= hi <= img_size={img_size}, '
                             f'e.g. (20, 40) at 64 px')
        args['object_sides'] = [float(lo), float(hi)]
    if style not in ('photo', 'plain'):
        raise ValueError(f"style={style!r}: use 'photo' (items tinted on "
                         f"photo crops) or 'plain' (grey items on black)")
    if style != 'photo':  # absent: sets made before it existed match
        args['style'] = style
    meta = _read_meta(out_dir)
    skipped = not force and meta.get('args') == args
    if not skipped:
        if min(*counts.values(), max_objects) < 1 or img_size < 16:
            raise ValueError(f'Need at least one image per split and one '
                             f'object per image, and img_size >= 16: {args}')
        items = {split: source_items(fmnist_root, split, prefix)
                 for split, prefix in SPLITS}  # fail before any work
        os.makedirs(osp.dirname(out_dir), exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=f'.{osp.basename(out_dir)}.tmp-',
                               dir=osp.dirname(out_dir))
        try:
            os.makedirs(osp.join(tmp, 'annotations'))
            summary = {split: write_split(
                tmp, split, items[split], counts[split], img_size, seed,
                max_objects, object_sides, style) for split, _ in SPLITS}
            meta = dict(args=args, summary=summary)
            with open(osp.join(tmp, 'meta.json'), 'w') as f:  # last
                json.dump(meta, f, indent=1)
            os.chmod(tmp, 0o755)  # mkdtemp makes it 0700
            # Unless another process made the same set meanwhile.
            if force or _read_meta(out_dir).get('args') != args:
                _swap_in(tmp, out_dir)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    paths = {}
    for split, _ in SPLITS:
        paths[f'{split}_json'] = osp.join(out_dir, 'annotations',
                                          f'instances_{split}.json')
        paths[f'{split}_dir'] = osp.join(out_dir, split)
    return dict(out_dir=out_dir, **paths,
                meta=osp.join(out_dir, 'meta.json'), skipped=skipped,
                args=meta['args'],
                summary=meta['summary'])


# ------------------------------------------------------------------ drawing
# Matplotlib's tab10, as BGR, one per category id 1..10.
PALETTE = ((180, 119, 31), (14, 127, 255), (44, 160, 44), (40, 39, 214),
           (189, 103, 148), (75, 86, 140), (194, 119, 227), (127, 127, 127),
           (34, 189, 188), (207, 190, 23))


def _decode(segmentation, h, w):
    """(h, w) uint8 mask from compressed or plain RLE, or polygons."""
    if isinstance(segmentation, list):  # polygons
        segmentation = mask_utils.merge(
            mask_utils.frPyObjects(segmentation, h, w))
    elif isinstance(segmentation['counts'], list):  # uncompressed RLE
        segmentation = mask_utils.frPyObjects(segmentation, h, w)
    return mask_utils.decode(segmentation)


def draw_sample(json_path, image_dir, image_id, out_png, min_side=512):
    """Draw one image, and beside it its masks, boxes and class names.

    The image is upscaled (nearest, so mask edges stay on pixel edges) until
    its shorter side is at least ``min_side`` px, so labels are readable.
    Writes a (k*H, 2*k*W, 3) PNG to ``out_png`` and returns ``out_png``.
    """
    with open(json_path) as f:
        coco = json.load(f)
    info = next((i for i in coco['images'] if i['id'] == image_id), None)
    if info is None:
        ids = [i['id'] for i in coco['images']]
        raise KeyError(f'No image id {image_id} in {json_path} (ids '
                       f'{min(ids)}..{max(ids)})')
    names = {c['id']: c['name'] for c in coco['categories']}
    img = cv2.imread(osp.join(image_dir, info['file_name']), cv2.IMREAD_COLOR)
    if img is None:
        raise FileNotFoundError(osp.join(image_dir, info['file_name']))
    k = max(1, math.ceil(min_side / min(img.shape[:2])))
    img = cv2.resize(img, None, fx=k, fy=k, interpolation=cv2.INTER_NEAREST)
    raw = img.copy()
    anns = [a for a in coco['annotations'] if a['image_id'] == image_id]
    for ann in anns:
        colour = PALETTE[(ann['category_id'] - 1) % len(PALETTE)]
        mask = cv2.resize(_decode(ann['segmentation'], info['height'],
                                  info['width']), None, fx=k, fy=k,
                          interpolation=cv2.INTER_NEAREST).astype(bool)
        img[mask] = (0.5 * img[mask] + 0.5 * np.array(colour)).astype(
            np.uint8)
        contours, _ = cv2.findContours(mask.astype(np.uint8),
                                       cv2.RETR_EXTERNAL,
                                       cv2.CHAIN_APPROX_SIMPLE)
        cv2.drawContours(img, contours, -1, colour, 1)
    for ann in anns:  # boxes and labels over all masks
        colour = PALETTE[(ann['category_id'] - 1) % len(PALETTE)]
        x, y, w, h = (round(v * k) for v in ann['bbox'])
        cv2.rectangle(img, (x, y), (x + w - 1, y + h - 1), colour, 2)
        label = f'{names[ann["category_id"]]} #{ann["id"]}'
        (tw, th), base = cv2.getTextSize(label, cv2.FONT_HERSHEY_SIMPLEX,
                                         0.5, 1)
        ty = max(y, th + base)  # keep the label inside the image
        cv2.rectangle(img, (x, ty - th - base), (x + tw, ty), colour, -1)
        cv2.putText(img, label, (x, ty - base), cv2.FONT_HERSHEY_SIMPLEX,
                    0.5, (255, 255, 255), 1, cv2.LINE_AA)
    os.makedirs(osp.dirname(osp.abspath(out_png)), exist_ok=True)
    if not cv2.imwrite(out_png, np.hstack([raw, img])):
        raise OSError(f'could not write {out_png}')
    return out_png


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--out', default=osp.join(ROOT, 'data', 'demo_coco'))
    parser.add_argument('--num-train', type=int, default=300)
    parser.add_argument('--num-val', type=int, default=100)
    parser.add_argument('--num-test', type=int,
                        help='default: as many as --num-val')
    parser.add_argument('--img-size', type=int, default=128)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--max-objects', type=int, default=4)
    parser.add_argument('--object-sides', type=float, nargs=2,
                        metavar=('LO', 'HI'), help='object side range in px '
                        '(default: COCO\'s small/medium/large mix)')
    parser.add_argument('--style', choices=('photo', 'plain'),
                        default='photo', help='photo: tinted items on photo '
                        'crops; plain: grey items on black')
    parser.add_argument('--fmnist-root', default=FMNIST_ROOT)
    parser.add_argument('--force', action='store_true',
                        help='regenerate even if meta.json matches')
    parser.add_argument('--draw', type=int, nargs='*', default=[],
                        metavar='IMAGE_ID',
                        help='also draw these images to out/sample_*.png')
    parser.add_argument('--draw-split', choices=('train', 'val', 'test'),
                        default='train')
    a = parser.parse_args()
    start = time.perf_counter()
    res = make_demo_coco(a.out, a.num_train, a.num_val, a.img_size, a.seed,
                         a.max_objects, a.fmnist_root, a.force,
                         a.object_sides, a.style, a.num_test)
    took = time.perf_counter() - start
    print(f'{"Found" if res["skipped"] else "Made"} demo COCO set in '
          f'{res["out_dir"]} ({took:.1f} s)')
    for split, s in res['summary'].items():
        print(f'  {split}: {s["images"]} images, {s["annotations"]} '
              f'objects; sizes {s["sizes"]}')
        print(f'    per class {s["per_class"]}')
    for image_id in a.draw:
        out = osp.join(res['out_dir'],
                       f'sample_{a.draw_split}_{image_id:06d}.png')
        draw_sample(res[f'{a.draw_split}_json'], res[f'{a.draw_split}_dir'],
                    image_id, out)
        print(f'  drew {out}')


if __name__ == '__main__':
    main()
