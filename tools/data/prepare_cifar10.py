"""Turn a CIFAR-10 archive into the image folder every CIFAR-10 config reads.

    python tools/data/prepare_cifar10.py --archive PATH [--out data/cifar10]

PATH is either
- the JPEG image-folder export (``cifar10/{train,test}/<class>/NNNN.jpg``,
  e.g. ``../shared/data/cifar10-jpeg.tar.gz``): the JPEG bytes are copied
  as they are (no second re-encode); or
- the official ``cifar-10-python.tar.gz`` (pickled batches): each image is
  written losslessly as PNG.

Both give one layout, ``OUT/{train,test}/<class>/NNNN.{jpg,png}``, with the
classes in CIFAR-10's label order (airplane ... truck, also their sorted
order), read by MMPretrain's ``CustomDataset`` (``finola_mm``'s
``ImageFolder``), plus ``OUT/splits.json`` (the fixed class-balanced
train/val/probe splits, ``finola_mm.datasets.splits``) and
``OUT/prepare_cifar10.json`` (source, counts, skipped files).

Every image is decoded once: an unreadable one is skipped and named in one
warning; more than 1% unreadable is an error. The folder is built beside
``OUT`` and renamed into place when complete, so an interrupted run leaves
nothing half-made; a rerun with the same archive does nothing.
"""
import argparse
import hashlib
import io
import json
import os
import os.path as osp
import pickle
import re
import shutil
import sys
import tarfile
import time

CLASSES = ('airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog',
           'horse', 'ship', 'truck')
SPLITS = ('train', 'test')
FOLDER_MEMBER = re.compile(r'(?:^|/)(train|test)/([^/]+)/([^/]+)$')
IMAGE_ENDINGS = ('.jpg', '.jpeg', '.png')


def sha256(path: str) -> str:
    with open(path, 'rb') as f:
        return hashlib.file_digest(f, 'sha256').hexdigest()


def archive_format(tar: tarfile.TarFile) -> str:
    """'python' (the official pickled release) or 'folder' (images)."""
    names = tar.getnames()
    if any(n.endswith('cifar-10-batches-py/data_batch_1') for n in names):
        return 'python'
    if any(FOLDER_MEMBER.search(n) and n.lower().endswith(IMAGE_ENDINGS)
           for n in names):
        return 'folder'
    raise SystemExit(
        'The archive is neither the official cifar-10-python.tar.gz (with '
        'cifar-10-batches-py/data_batch_1) nor an image-folder export (with '
        '{train,test}/<class>/<image>.jpg); first members: '
        f'{names[:5]}.')


def folder_images(tar: tarfile.TarFile):
    """Yield (split, class name, bytes, ending, member) of the export, in
    (split, class, file name) order. One pass over the archive (a gzip
    stream cannot seek back cheaply); 60,000 small JPEGs fit in memory."""
    members = []
    for m in tar:
        match = FOLDER_MEMBER.search(m.name)
        if m.isfile() and match and m.name.lower().endswith(IMAGE_ENDINGS):
            members.append((*match.groups(), tar.extractfile(m).read(),
                            m.name))
    classes = sorted({c for _, c, _, _, _ in members})
    if tuple(classes) != CLASSES:
        raise SystemExit(f'The archive\'s class folders are {classes}, not '
                         f'CIFAR-10\'s {list(CLASSES)}.')
    for split, cls, name, data, source in sorted(members,
                                                 key=lambda t: t[:3]):
        yield split, cls, data, osp.splitext(name)[1].lower(), source


def python_images(tar: tarfile.TarFile):
    """Yield (split, class name, PNG bytes, '.png', source) of the pickled
    release, in batch order (data_batch_1..5, then test_batch)."""
    import numpy as np
    from PIL import Image
    wanted = ['batches.meta', *[f'data_batch_{i}' for i in range(1, 6)],
              'test_batch']
    batches = {}
    for m in tar:  # one pass
        name = m.name.rsplit('/', 1)[-1]
        if m.isfile() and name in wanted:
            batches[name] = pickle.load(tar.extractfile(m),
                                        encoding='latin1')
    missing = [n for n in wanted if n not in batches]
    if missing:
        raise SystemExit(f'The archive lacks {missing} of '
                         f'cifar-10-batches-py/.')
    names = tuple(batches['batches.meta']['label_names'])
    if names != CLASSES:
        raise SystemExit(f'batches.meta names {names}, not {CLASSES}.')
    for split, files in (('train', wanted[1:6]), ('test', wanted[6:])):
        for name in files:
            pixels = np.asarray(batches[name]['data'], dtype=np.uint8)
            images = pixels.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
            for i, (image, label) in enumerate(zip(
                    images, batches[name]['labels'])):
                out = io.BytesIO()
                Image.fromarray(image).save(out, format='PNG')
                yield (split, CLASSES[label], out.getvalue(), '.png',
                       f'{name}[{i}]')


def decodes(data: bytes):
    """None if ``data`` is a decodable image, else why not."""
    from PIL import Image
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
    except Exception as err:  # PIL raises many types for bad data
        why = re.sub(r' <_io\.BytesIO object at 0x[0-9a-f]+>', '', str(err))
        return f'{type(err).__name__}: {why}'
    return None


def prepare(archive: str, out: str, max_unreadable: float = 0.01,
            split_sizes: dict = None, force: bool = False) -> dict:
    """Build ``out`` from ``archive``; returns the summary written to
    ``out/prepare_cifar10.json``."""
    if not osp.isfile(archive):
        raise SystemExit(f'--archive {archive}: no such file. Give the '
                         f'CIFAR-10 JPEG export (cifar10-jpeg.tar.gz) or the '
                         f'official cifar-10-python.tar.gz.')
    digest = sha256(archive)
    summary_path = osp.join(out, 'prepare_cifar10.json')
    if osp.isfile(summary_path) and not force:
        with open(summary_path) as f:
            done = json.load(f)
        if done.get('archive_sha256') == digest:
            done['skipped_run'] = True
            return done
        raise SystemExit(f'{out} was prepared from another archive '
                         f'({done.get("archive")}); delete it or pass '
                         f'--force to replace it.')
    if osp.isdir(out) and os.listdir(out) and not force:
        raise SystemExit(f'{out} exists and was not made by this tool (no '
                         f'prepare_cifar10.json); choose another --out, or '
                         f'pass --force to replace it.')
    start = time.perf_counter()
    tmp = out.rstrip('/') + '.partial'
    shutil.rmtree(tmp, ignore_errors=True)
    counts = {s: {c: 0 for c in CLASSES} for s in SPLITS}
    unreadable = []
    with tarfile.open(archive) as tar:
        fmt = archive_format(tar)
        images = folder_images(tar) if fmt == 'folder' else \
            python_images(tar)
        for split, cls, data, ending, source in images:
            why = decodes(data)
            if why is not None:
                unreadable.append(f'{source} ({why})')
                continue
            folder = osp.join(tmp, split, cls)
            os.makedirs(folder, exist_ok=True)
            with open(osp.join(folder, f'{counts[split][cls]:04d}{ending}'),
                      'wb') as f:
                f.write(data)
            counts[split][cls] += 1
    total = sum(sum(c.values()) for c in counts.values())
    if not total:
        raise SystemExit(f'{archive} holds no CIFAR-10 images.')
    if unreadable:
        listing = '\n  '.join(unreadable[:5])
        if len(unreadable) > max_unreadable * (total + len(unreadable)):
            shutil.rmtree(tmp, ignore_errors=True)
            raise SystemExit(f'{len(unreadable)} of {total + len(unreadable)}'
                             f' images in {archive} cannot be decoded (more '
                             f'than {max_unreadable:.0%}); the first:\n  '
                             f'{listing}\nThe archive is damaged: fetch it '
                             f'again.')
        print(f'WARNING: skipped {len(unreadable)} undecodable image(s) of '
              f'{archive}:\n  {listing}', file=sys.stderr)
    labels = [i for i, c in enumerate(CLASSES)
              for _ in range(counts['train'][c])]  # the sorted listing
    from finola_mm.datasets.splits import write_splits
    write_splits(tmp, labels, **(split_sizes or {}))
    summary = dict(archive=osp.abspath(archive), archive_sha256=digest,
                   format=fmt, encoding='JPEG re-encodes (lossy)'
                   if fmt == 'folder' else 'lossless PNG',
                   classes=list(CLASSES), counts=counts,
                   unreadable=unreadable, seconds=time.perf_counter() - start)
    with open(osp.join(tmp, 'prepare_cifar10.json'), 'w') as f:
        json.dump(summary, f, indent=2)
    if osp.exists(out):
        shutil.rmtree(out)
    os.replace(tmp, out)
    return summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--archive', required=True)
    parser.add_argument('--out', default='data/cifar10')
    parser.add_argument('--force', action='store_true',
                        help='replace an OUT made from another archive')
    parser.add_argument('--max-unreadable', type=float, default=0.01)
    for key in ('val', 'probe', 'lowshot', 'online-bank', 'val-query'):
        parser.add_argument(f'--{key}', type=int, metavar='N',
                            help='images per class in this split '
                            '(finola_mm.datasets.splits)')
    args = parser.parse_args(argv)
    sizes = {k: getattr(args, k) for k in ('val', 'probe', 'lowshot',
                                          'online_bank', 'val_query')
             if getattr(args, k) is not None}
    summary = prepare(args.archive, args.out, args.max_unreadable, sizes,
                      args.force)
    counts = {s: sum(c.values()) for s, c in summary['counts'].items()}
    state = 'already prepared' if summary.get('skipped_run') else \
        f'prepared in {summary["seconds"]:.0f} s'
    print(f'CIFAR-10 in {args.out} ({state}; {summary["format"]} archive, '
          f'{summary["encoding"]}): {counts["train"]} train / '
          f'{counts["test"]} test images, '
          f'{len(summary["unreadable"])} skipped')
    return summary


if __name__ == '__main__':
    main()
