"""k-nearest-neighbour accuracy of frozen encoder features: no training.

Weighted kNN as in Wu et al. 2018 and DINO: cosine similarity of L2-normed
features, the k most similar training images vote for their class with
weight exp(similarity / T).
"""
import copy
from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from mmengine.runner import Runner
from mmengine.utils import ProgressBar
from torch import Tensor, nn


def pooled_features(outs, num_extra_tokens: Optional[int] = None) -> Tensor:
    """The backbone's last output -> (N, D): averaged over space if a map;
    with ``num_extra_tokens`` given, (N, extra + L, D) tokens are averaged
    over the L patch tokens (a ViT's raw output, class token dropped)."""
    x = outs[-1] if isinstance(outs, (tuple, list)) else outs
    if x.dim() == 4:
        return x.mean(dim=(2, 3))
    if x.dim() == 3 and num_extra_tokens is not None:
        return x[:, num_extra_tokens:].mean(1)
    return x.flatten(1)


@torch.no_grad()
def extract_features(model: nn.Module, batches, progress: bool = False,
                     forward=None, num_extra_tokens: Optional[int] = None
                     ) -> tuple:
    """(features (N, D), labels (N,)), on the CPU, of collated batches (a
    DataLoader or a list) through ``model.backbone``, pooled as the probe
    reads them.

    ``model``'s data preprocessor normalises. ``forward(backbone, inputs)``
    gives the backbone's outputs (default: ``backbone(inputs)``; a
    pretraining backbone takes ``mask=None`` for its plain forward). Leaves
    ``model`` in eval mode.
    ``num_extra_tokens``: see :func:`pooled_features`.
    """
    forward = forward or (lambda backbone, inputs: backbone(inputs))
    model.eval()
    feats, labels = [], []
    bar = ProgressBar(len(batches.dataset)) if progress else None
    for data in batches:
        data = model.data_preprocessor(data, False)
        feats.append(pooled_features(forward(model.backbone, data['inputs']),
                                     num_extra_tokens).cpu())
        labels.append(torch.cat([s.gt_label for s in data['data_samples']]))
        if bar:
            bar.update(len(labels[-1]))
    return torch.cat(feats), torch.cat(labels).to(feats[0].device)


def knn_predict(train_feats: Tensor, train_labels: Tensor, test_feats: Tensor,
                k: int = 20, temperature: float = 0.07,
                num_classes: Optional[int] = None,
                chunk: int = 1024) -> Tensor:
    """Class scores (M, num_classes) of M test features from N train ones.

    Args:
        train_feats (Tensor): (N, D). train_labels (Tensor): (N,) ints.
        test_feats (Tensor): (M, D).
        k (int): neighbours that vote. temperature (float): vote sharpness.
    """
    if not 1 <= k <= len(train_feats):
        raise ValueError(f'k={k} must be in [1, {len(train_feats)}] (the '
                         'number of training features).')
    num_classes = num_classes or int(train_labels.max()) + 1
    train_feats = F.normalize(train_feats.float(), dim=1)
    scores = []
    for part in F.normalize(test_feats.float(), dim=1).split(chunk):
        sim, idx = (part @ train_feats.T).topk(k, dim=1)  # (m, k)
        votes = F.one_hot(train_labels[idx], num_classes).float()
        scores.append((votes * (sim / temperature).exp()[..., None]).sum(1))
    return torch.cat(scores)


def knn_accuracy(train_feats: Tensor, train_labels: Tensor,
                 test_feats: Tensor, test_labels: Tensor, k: int = 20,
                 temperature: float = 0.07) -> dict:
    """Top-1 and top-5 kNN accuracy in percent."""
    scores = knn_predict(train_feats, train_labels, test_feats, k,
                         temperature, int(train_labels.max()) + 1)
    topk = scores.topk(min(5, scores.shape[1]), dim=1).indices
    hit = topk == test_labels[:, None]
    return {'knn/top1': 100. * hit[:, 0].float().mean().item(),
            'knn/top5': 100. * hit.any(1).float().mean().item()}


def eval_loader(cfg, test_mode: bool, indices, split=None) -> object:
    """A deterministic loader over one split with the test pipeline.

    Training images come from the train dataloader's dataset, cut to the
    fixed split ``split`` (``finola_mm.datasets.splits``; None keeps the
    config's), test images from the test dataloader's. ``indices`` (int N)
    keeps the first N: a split's first N are class-balanced, and on the
    test side the N are taken round-robin over classes too, so a class-
    sorted folder is not cut to one class.
    """
    # a deep copy: ConfigDict.update merges into nested dicts in place, so a
    # shallow one would write the training split into cfg's test dataset
    loader = copy.deepcopy(cfg.test_dataloader)
    dataset = loader.dataset if test_mode else dict(
        copy.deepcopy(cfg.train_dataloader.dataset),
        pipeline=loader.dataset.pipeline)
    if split is not None and not test_mode:
        dataset['split'] = split
    if test_mode and isinstance(indices, int):
        indices = balanced_prefix(dataset, indices)
    dataset['indices'] = indices
    loader['dataset'] = dataset
    loader['sampler'] = dict(type='DefaultSampler', shuffle=False)
    loader['persistent_workers'] = False
    return Runner.build_dataloader(loader)


def balanced_prefix(dataset_cfg: dict, num: int) -> list:
    """Indices of ``num`` images of a dataset, taken round-robin over its
    classes in dataset order (all of them if ``num`` >= its length)."""
    from mmpretrain.registry import DATASETS

    from finola_mm.datasets.splits import round_robin
    listing = DATASETS.build(dict(dataset_cfg, pipeline=[], indices=None,
                                  lazy_init=True))
    listing.full_init()
    labels = [int(listing.get_data_info(i)['gt_label'])
              for i in range(len(listing))]
    by_class = [[i for i, y in enumerate(labels) if y == c]
                for c in sorted(set(labels))]
    return round_robin(by_class)[:num]


@torch.no_grad()
def recalibrate_bn(model: nn.Module, dataloader, num_images: int) -> int:
    """Re-estimate ``model``'s BatchNorm running statistics on about
    ``num_images`` images of ``dataloader`` (labels unused) as a plain
    average over its batches; returns the number of BN layers. Masked
    pretraining leaves the statistics of masked inputs (a mask token, one
    visible quadrant), which a frozen encoder would otherwise apply to whole
    images.

    Each BN layer is switched to training mode itself: a backbone with
    frozen stages or ``norm_eval=True`` keeps its BN in eval mode under
    ``model.train()``, so helpers that rely on it (PreciseBN's
    ``update_bn_stats``, ``torch.optim.swa_utils.update_bn``) would
    silently change nothing.
    """
    bns = [m for m in model.modules()
           if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    model.eval()
    if not bns:
        return 0
    momenta = [bn.momentum for bn in bns]
    for bn in bns:
        bn.reset_running_stats()
        bn.momentum = None  # cumulative average over the batches
        bn.train()
    seen = 0
    for data in dataloader:
        inputs = model.data_preprocessor(data, False)['inputs']
        model(inputs, mode='tensor')
        seen += len(inputs)
        if seen >= num_images:
            break
    for bn, momentum in zip(bns, momenta):
        bn.momentum = momentum
        bn.eval()
    return len(bns)


def frozen_features(cfg, train_indices=None, test_indices=None,
                    progress: bool = False, recalibrate_bn_images: int = 0,
                    train_split: Optional[str] = 'probe',
                    queries: Sequence[str] = ('test', ),
                    forward=None, val_indices=None) -> tuple:
    """((train feats, labels), (query feats, labels), ...) of the backbone
    of a classification ``cfg``, built with its ``init_cfg`` (Pretrained,
    or none for the random-init control); all through the test pipeline.
    The training side is the fixed class-balanced ``train_split`` of the
    training images (default ``probe``: 1,000 per class, disjoint from
    ``val``; None: the config's own), cut to its first ``train_indices`` if
    an int. Each of ``queries`` is 'test' (the test split, cut to
    ``test_indices``, round-robin over classes: :func:`eval_loader`) or
    'val' (the ``val`` split of the training images, cut to its first
    ``val_indices`` if an int: how a choice is made without reading the
    test split). With
    ``recalibrate_bn_images`` > 0 the BatchNorm statistics are first
    re-estimated on that many training images (:func:`recalibrate_bn`).
    ``forward``: see :func:`extract_features` (e.g. the raw-pixel control,
    ``lambda backbone, x: x.flatten(1)``)."""
    from mmengine.registry import init_default_scope
    from finola_mm.utils import assert_backbone_fits, build_model
    unknown = set(queries) - {'test', 'val'}
    if unknown:
        raise ValueError(f'queries {sorted(unknown)}: give \'test\' or '
                         f'\'val\'.')
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    model = build_model(cfg)
    model.init_weights()
    if torch.cuda.is_available():  # the encoder's pass; read-outs stay on CPU
        model.cuda()
    init = model.backbone.init_cfg
    if isinstance(init, dict) and init.get('type') == 'Pretrained':
        assert_backbone_fits(model.backbone, init['checkpoint'],
                             init.get('prefix', ''))
    train_loader = eval_loader(cfg, False, train_indices, train_split)
    if recalibrate_bn_images:
        recalibrate_bn(model, train_loader, recalibrate_bn_images)
    loaders = [train_loader] + [
        eval_loader(cfg, True, test_indices) if q == 'test' else
        eval_loader(cfg, False, val_indices, 'val') for q in queries]
    return tuple(extract_features(model, loader, progress, forward)
                 for loader in loaders)


def knn_eval(cfg, train_indices=None, test_indices=None, k: int = 20,
             temperature: float = 0.07, progress: bool = False,
             train_split: Optional[str] = 'probe') -> dict:
    """kNN accuracy of the backbone of a classification ``cfg``: the
    ``train_split`` of the training images is the memory bank and the test
    split is scored (:func:`frozen_features`)."""
    train, test = frozen_features(cfg, train_indices, test_indices, progress,
                                  train_split=train_split)
    result = knn_accuracy(*train, *test, k=k, temperature=temperature)
    result.update(num_train=len(train[0]), num_test=len(test[0]), k=k,
                  temperature=temperature)
    return result
