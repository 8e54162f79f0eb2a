"""Extract the encoder of a pretraining checkpoint into a backbone-only one.

Keys keep their ``backbone.`` prefix, so downstream configs load either the
pretraining checkpoint or this file with the same
``init_cfg=dict(type='Pretrained', checkpoint=..., prefix='backbone.')``.
Optimizer state, decoder and head are dropped; ``meta`` keeps the method,
the encoder type, epoch and iteration, the source file and its SHA-256, and
the pretraining config as text (never executed here).

    python tools/model_converters/extract_backbone.py \
        work_dirs/masked-finola-e_vit-tiny-p4_1xb64-1k_fmnist-32px/iter_1000.pth \
        work_dirs/masked-finola-e_vit-tiny.pth
"""
import argparse
import ast
import hashlib
import io
import os.path as osp
import sys

import torch

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
from finola_mm.utils import atomic_write, load_checkpoint_file  # noqa: E402

# (algorithm type, neck type or None) -> method name used across finola_mm
METHODS = {('MaskedFINOLA', 'FINOLANeck'): 'masked-finola-e',
           ('MaskedFINOLA', 'BlockFINOLANeck'): 'masked-finola-b',
           ('MAE', None): 'mae', ('SimMIM', None): 'simmim',
           ('FINOLAAutoencoder', None): 'finola-autoencoder'}


def model_types(cfg_text: str) -> dict:
    """{'model': ..., 'backbone': ..., 'neck': ...} types read from a config
    text by parsing (not executing) it; absent parts are None."""
    types = dict(model=None, backbone=None, neck=None)

    def type_of(call):
        if isinstance(call, ast.Call):
            for kw in call.keywords:
                if kw.arg == 'type' and isinstance(kw.value, ast.Constant):
                    return kw.value.value
        return None

    for node in ast.parse(cfg_text).body:
        if isinstance(node, ast.Assign) and any(
                getattr(t, 'id', None) == 'model' for t in node.targets) \
                and isinstance(node.value, ast.Call):
            types['model'] = type_of(node.value)
            for kw in node.value.keywords:
                if kw.arg in ('backbone', 'neck'):
                    types[kw.arg] = type_of(kw.value)
    return types


def method_name(types: dict) -> str:
    """finola_mm's name for the pretraining method, or the model type."""
    return METHODS.get((types['model'], types['neck']),
                       METHODS.get((types['model'], None), types['model']))


def sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def extract_backbone(src: str, dst: str, method: str = None) -> dict:
    """Write the backbone-only checkpoint; return its meta."""
    if not osp.isfile(src):
        raise FileNotFoundError(f'{src} does not exist.')
    ckpt = load_checkpoint_file(src, map_location='cpu')
    if not isinstance(ckpt, dict) or 'state_dict' not in ckpt:
        raise ValueError(f'{src} is not an MMEngine checkpoint (no '
                         '"state_dict"); pass a file saved by tools/train.py.')
    state = {k: v for k, v in ckpt['state_dict'].items()
             if k.startswith('backbone.')}
    if not state:
        keys = sorted(ckpt['state_dict'])[:3]
        raise ValueError(f'{src} has no "backbone." weights (keys start '
                         f'{keys}); is it already a backbone-only file?')
    old = ckpt.get('meta') or {}
    cfg_text = old.get('cfg', '')
    types = model_types(cfg_text) if cfg_text else dict.fromkeys(
        ('model', 'backbone', 'neck'))
    meta = dict(method=method or method_name(types) or 'unknown',
                backbone_type=types['backbone'], epoch=old.get('epoch'),
                iter=old.get('iter'), seed=old.get('seed'),
                experiment_name=old.get('experiment_name'),
                source=osp.abspath(src), source_sha256=sha256(src),
                pretrain_config=cfg_text, dataset_meta=old.get('dataset_meta'))
    buffer = io.BytesIO()
    torch.save(dict(meta=meta, state_dict=state), buffer)
    atomic_write(buffer.getvalue(), dst)
    return meta


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help='pretraining checkpoint (tools/train.py)')
    parser.add_argument('dst', help='backbone-only checkpoint to write')
    parser.add_argument('--method', help='override the method name read '
                        'from the checkpoint config')
    args = parser.parse_args()
    meta = extract_backbone(args.src, args.dst, args.method)
    print(f'{args.dst}: backbone of {meta["method"]} '
          f'({meta["backbone_type"]}), iter {meta["iter"]}, '
          f'epoch {meta["epoch"]}')


if __name__ == '__main__':
    main()
