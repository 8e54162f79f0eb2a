"""Linear probing on cached frozen features: the probe configs' head (a
BatchNorm without affine + a linear layer, SGD, warm-up + cosine) trained on
features extracted once, so a probe costs one encoder pass per image
instead of one per image per epoch."""
import math
from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def train_linear_probe(train_feats: Tensor, train_labels: Tensor,
                       test_feats: Tensor, test_labels: Tensor,
                       epochs: int = 30, batch_size: int = 256,
                       lr: float = 0.1, warmup_epochs: int = 1,
                       seed: int = 0) -> dict:
    """Top-1 / top-5 (%) on the test features of a BN + linear probe.

    Args:
        train_feats (Tensor): (N, D); train_labels (Tensor): (N,) ints.
        test_feats (Tensor): (M, D); test_labels (Tensor): (M,) ints.
    """
    gen = torch.Generator().manual_seed(seed)
    num_classes = int(train_labels.max()) + 1
    probe = nn.Sequential(nn.BatchNorm1d(train_feats.shape[1], affine=False,
                                         eps=1e-6),
                          nn.Linear(train_feats.shape[1], num_classes))
    nn.init.trunc_normal_(probe[1].weight, std=0.01, generator=gen)
    nn.init.zeros_(probe[1].bias)
    opt = torch.optim.SGD(probe.parameters(), lr=lr, momentum=0.9)
    steps_per_epoch = math.ceil(len(train_feats) / batch_size)
    total, warmup = epochs * steps_per_epoch, warmup_epochs * steps_per_epoch
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: (
        (s + 1) / warmup if s < warmup else
        0.5 * (1 + math.cos(math.pi * (s - warmup) / max(1, total - warmup)))))
    probe.train()
    for _ in range(epochs):
        for idx in torch.randperm(len(train_feats), generator=gen).split(
                batch_size):
            loss = F.cross_entropy(probe(train_feats[idx]), train_labels[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    probe.eval()
    with torch.no_grad():
        logits = probe(test_feats)
    topk = logits.topk(min(5, num_classes), dim=1).indices
    hit = topk == test_labels[:, None]
    return {'linear/top1': 100. * hit[:, 0].float().mean().item(),
            'linear/top5': 100. * hit.any(1).float().mean().item()}


def frozen_readout(train: tuple, test: tuple, linear: bool = True,
                   lowshot_labels: int = 0, epochs: int = 30, seed: int = 0,
                   k: int = 20, temperature: float = 0.07) -> dict:
    """The frozen read-out of cached features, as compare_ssl reports it:
    weighted kNN, the feature linear probe (``linear``), and the same probe
    on the first ``lowshot_labels`` training features only (0: off; on a
    class-balanced split its first N are class-balanced too).

    Args:
        train, test (tuple): (features (N, D), labels (N,)) each.
    """
    from .knn import knn_accuracy
    result = knn_accuracy(*train, *test, k=k, temperature=temperature)
    if linear:
        result.update(train_linear_probe(*train, *test, epochs=epochs,
                                         seed=seed))
    if lowshot_labels:
        n = lowshot_labels
        result['lowshot/top1'] = train_linear_probe(
            train[0][:n], train[1][:n], *test, epochs=epochs,
            seed=seed)['linear/top1']
        result['lowshot_labels'] = min(n, len(train[0]))
    return result


# The read-out's settings chosen on validation (tuned_readout): the probe's
# learning rate and epochs, and kNN's k. Small on purpose: every row of a
# comparison (encoders and the raw-pixel control) gets the same grid.
PROBE_GRID = tuple((lr, epochs) for lr in (0.003, 0.03, 0.3, 3.0)
                   for epochs in (10, 30, 100, 300))
KNN_GRID = (10, 20, 50, 100)


def tuned_readout(train: tuple, val: tuple, test: Optional[tuple] = None,
                  lowshot_labels: int = 0, seed: int = 0,
                  probe_grid=PROBE_GRID, knn_grid=KNN_GRID,
                  temperature: float = 0.07) -> dict:
    """:func:`frozen_readout` with its settings chosen on validation: for
    kNN, the linear probe and the low-shot probe, each setting of the grid
    is fitted on ``train`` and scored on ``val``; the best one on ``val``
    is then scored once on ``test``. Without ``test``, the scores are the
    validation ones (a screen). ``test`` is read only after every choice.

    Args:
        train, val, test (tuple): (features (N, D), labels (N,)) each.
    """
    from .knn import knn_accuracy
    out = {}

    def choose(name, fit, grid):
        scores = {g: fit(g, *val)[f'{name}/top1'] for g in grid}
        best = max(grid, key=lambda g: scores[g])   # first of equals
        final = fit(best, *test) if test is not None else fit(best, *val)
        out.update({f'{name}/top1': final[f'{name}/top1'],
                    f'{name}/val_top1': scores[best],
                    f'{name}/chosen': best})

    choose('knn', lambda k, f, y: knn_accuracy(
        *train, f, y, k=min(k, len(train[0])), temperature=temperature),
        knn_grid)
    choose('linear', lambda g, f, y: train_linear_probe(
        *train, f, y, lr=g[0], epochs=g[1], seed=seed), probe_grid)
    if lowshot_labels:
        n = lowshot_labels
        choose('lowshot', lambda g, f, y: {
            'lowshot/top1': train_linear_probe(
                train[0][:n], train[1][:n], f, y, lr=g[0], epochs=g[1],
                seed=seed)['linear/top1']}, probe_grid)
        out['lowshot_labels'] = min(n, len(train[0]))
    out.update(scored_on='val' if test is None else 'test',
               probe_grid=[list(g) for g in probe_grid],
               knn_grid=list(knn_grid))
    return out
