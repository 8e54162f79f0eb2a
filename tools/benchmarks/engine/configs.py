"""Which config a method and encoder use, a schedule shortened to a budget,
and the digest that keys a cached stage to its full resolved config."""
import hashlib
import json
import os.path as osp
import threading
from typing import Optional, Sequence

# tools/benchmarks/engine/configs.py -> the repository root
REPO = osp.dirname(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
E, B = 'masked-finola-e', 'masked-finola-b'
# Fashion-MNIST's recommended setting, its own config, as a method (chosen
# on the test split; on CIFAR-10 validation block-wise won, so CIFAR-10 and
# image folders have no config of this name)
RECOMMENDED = 'masked-finola-e-recommended'
# encoder -> (its pretraining configs' names, the methods that have one);
# MAE needs a token encoder to drop tokens, so Mobile-Former has none
PRETRAIN_CONFIGS = {
    'vit-tiny-p4': ('{}_vit-tiny-p4_1xb64-1k_fmnist-32px.py',
                    (E, B, 'mae', 'simmim')),
    'mobile-former-tiny': ('{}_mobile-former-tiny_1xb64-1k_fmnist-32px.py',
                           (E, B, 'simmim')),
    'vit-base-p16': ('{}_vit-base-p16_8xb512-coslr-400e_in1k-224px.py',
                     (E, B, 'mae', 'simmim')),
    'mobile-former-508m': (
        '{}_mobile-former-508m_8xb512-coslr-400e_in1k-224px.py',
        (E, B, 'simmim')),
}
PRETRAIN_METHODS = {enc: methods for enc, (_, methods)
                    in PRETRAIN_CONFIGS.items()}
# the 32 px configs on another dataset: (encoder, dataset) -> name pattern
DATASET_CONFIGS = {
    ('vit-tiny-p4', 'cifar10'): '{}_vit-tiny-p4_1xb64-2k_cifar10-32px.py',
}


def pretrain_methods(encoder: str, dataset: str = 'fmnist') -> tuple:
    """The methods with a pretraining config on ``encoder`` and
    ``dataset``: PRETRAIN_METHODS, and RECOMMENDED on the Fashion-MNIST
    ViT."""
    return PRETRAIN_METHODS.get(encoder, ()) + (
        (RECOMMENDED, ) if (encoder, dataset) == ('vit-tiny-p4', 'fmnist')
        else ())


def pretrain_config(method: str, encoder: str,
                    dataset: str = 'fmnist') -> str:
    """The absolute path of ``method``'s pretraining config on ``encoder``
    and ``dataset`` (configs/masked_pretrain/). ``method`` is one of
    PRETRAIN_METHODS, or RECOMMENDED for the ViT."""
    pattern = (PRETRAIN_CONFIGS[encoder][0] if dataset == 'fmnist' and
               encoder in PRETRAIN_CONFIGS else
               DATASET_CONFIGS.get((encoder, dataset)))
    if pattern is None or method not in pretrain_methods(encoder, dataset):
        raise ValueError(
            f'no pretraining config for {method} on {encoder} ({dataset}); '
            f'there are {PRETRAIN_METHODS} on fmnist (and {RECOMMENDED} on '
            f'vit-tiny-p4 there), and {sorted(DATASET_CONFIGS)} on other '
            f'data.')
    return osp.join(REPO, 'configs', 'masked_pretrain',
                    pattern.format(method))


def shorten_schedule(cfg, iters: int, warmup: Optional[int] = None) -> None:
    """Fit ``cfg``'s iteration-based run to ``iters`` in place: every
    iteration-based LR scheduler's begin/end scaled in proportion (or the
    first one, the warm-up, ending at ``warmup``), one validation at the
    end."""
    old = cfg.train_cfg.max_iters
    scheds = [s for s in cfg.get('param_scheduler') or []
              if not s.get('by_epoch', True)]
    for sched in scheds:
        for key in ('begin', 'end'):
            if sched.get(key):
                sched[key] = max(1, round(sched[key] * iters / old))
    if warmup is not None and len(scheds) >= 2:
        scheds[0]['end'] = scheds[1]['begin'] = warmup
        scheds[-1]['end'] = iters
    cfg.train_cfg.update(max_iters=iters, val_interval=iters)


def mask_generator_step(cfg) -> dict:
    """The training pipeline's mask generator (the one step whose type ends
    in 'MaskGenerator'), found by type rather than by position."""
    steps = [t for t in cfg.train_dataloader.dataset.pipeline
             if str(t.get('type', '')).endswith('MaskGenerator')]
    if len(steps) != 1:
        raise SystemExit(f'mask_generator.* options need exactly one '
                         f'*MaskGenerator in the training pipeline, found '
                         f'{len(steps)} (MAE masks inside its backbone: use '
                         f'model.backbone.mask_ratio).')
    return steps[0]


def json_digest(obj) -> str:
    """SHA-256 of ``obj`` as sorted JSON (values JSON lacks as str)."""
    return hashlib.sha256(json.dumps(obj, sort_keys=True,
                                     default=str).encode()).hexdigest()


def config_digest(cfg) -> str:
    """SHA-256 of a resolved MMEngine config: a cached result records the
    digest of the config it came from, so an edited config file (or one of
    its bases) is noticed instead of read back."""
    return json_digest(cfg.to_dict())


# MMEngine resolves a 'mmpretrain::' base through is_installed, which
# reloads pkg_resources: two threads loading configs at once corrupt it
# (TypeError 'Expected str, Requirement, or Distribution'), so they take
# turns.
CONFIG_LOCK = threading.Lock()


def short_pretrain_config(method: str, encoder: str, iters: int, batch: int,
                          options: Optional[dict] = None):
    """``method``'s pretraining config shortened to ``iters`` (its warm-up
    1/10 of the run, at most 50 iterations, then its cosine to the end),
    then ``options`` ({dotted key: value}, as --cfg-options). Safe to call
    from several threads."""
    from mmengine.config import Config
    with CONFIG_LOCK:
        cfg = Config.fromfile(pretrain_config(method, encoder))
    shorten_schedule(cfg, iters, warmup=max(1, min(50, iters // 10)))
    cfg.default_hooks.checkpoint.interval = iters
    cfg.train_dataloader.update(batch_size=batch, num_workers=0,
                                persistent_workers=False)
    cfg.merge_from_dict(options or {})
    return cfg


def parse_ckpts(items: Optional[Sequence[str]]) -> dict:
    """['METHOD=PATH', ...] -> {method: absolute path}, each an existing
    file."""
    ckpts = {}
    for item in items or []:
        method, sep, path = item.partition('=')
        if not sep or not osp.isfile(path):
            raise SystemExit(f'--ckpt {item!r}: expected METHOD=PATH to an '
                             f'existing checkpoint file.')
        ckpts[method] = osp.abspath(path)
    return ckpts


def checkpoint_normalisation(ckpt: str) -> Optional[dict]:
    """The input normalisation a checkpoint was trained with: {'mean',
    'std'} of the ``data_preprocessor`` in the config MMEngine keeps in its
    meta; None for a checkpoint without one (a backbone-only file).
    Transfer sets it on the detector or segmentor, so an encoder pretrained
    on CIFAR-10 sees CIFAR-10's input scale."""
    from mmengine.config import Config

    from finola_mm.utils.safe_load import load_checkpoint_file
    text = (load_checkpoint_file(ckpt, map_location='cpu').get('meta') or
            {}).get('cfg')
    if not text:
        return None
    with CONFIG_LOCK:
        cfg = Config.fromstring(text, '.py')
    # MMPretrain configs set it at the top level; the Runner moves it in
    pre = cfg.model.get('data_preprocessor') or cfg.get('data_preprocessor')
    if not pre or 'mean' not in pre or 'std' not in pre:
        return None
    return dict(mean=[float(v) for v in pre['mean']],
                std=[float(v) for v in pre['std']])


def shared_normalisation(ckpts: Sequence[str]) -> Optional[dict]:
    """The one ``checkpoint_normalisation`` of ``ckpts`` (None if none has
    one); an error if they differ, since every row of a transfer table
    (the random-init control included) must see the same input scale."""
    found = {}
    for ckpt in ckpts:
        norm = checkpoint_normalisation(ckpt)
        if norm is not None:
            found.setdefault(json_digest(norm), (norm, ckpt))
    if len(found) > 1:
        (a, path_a), (b, path_b) = list(found.values())[:2]
        raise SystemExit(
            f'the checkpoints were pretrained with different input '
            f'normalisations ({path_a}: {a}; {path_b}: {b}): the rows would '
            f'not be comparable. Transfer checkpoints of one dataset at a '
            f'time (e.g. --from-benchmark cifar10).')
    return next(iter(found.values()))[0] if found else None
