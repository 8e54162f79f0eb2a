"""Linear probing on cached frozen features: the probe configs' head (a
BatchNorm without affine + a linear layer, SGD, warm-up + cosine) trained on
features extracted once, so a probe costs one encoder pass per image
instead of one per image per epoch."""
import math
from typing import NamedTuple, Optional

import torch
from torch import Tensor, nn


class LinearProbe(NamedTuple):
    """A fitted probe: BatchNorm without affine (its running statistics),
    then a linear layer. Called on features (M, D), it gives logits (M, K)."""
    mean: Tensor
    var: Tensor
    weight: Tensor  # (K, D)
    bias: Tensor    # (K,)

    def __call__(self, feats: Tensor) -> Tensor:
        x = (feats - self.mean) / torch.sqrt(self.var + BN_EPS)
        return x @ self.weight.T + self.bias


BN_EPS = 1e-6


def step_lrs(settings, steps_per_epoch: int, warmup_epochs: int) -> Tensor:
    """(T, S): each (lr, epochs) setting's learning rate at every step of
    the longest schedule: linear warm-up, then cosine to 0 at its own last
    step, then 0."""
    warmup = warmup_epochs * steps_per_epoch
    total = max(epochs for _, epochs in settings) * steps_per_epoch
    step = torch.arange(total, dtype=torch.float64)[:, None]
    lrs = torch.tensor([[float(lr) for lr, _ in settings]],
                       dtype=torch.float64)
    ends = torch.tensor([[epochs * steps_per_epoch
                          for _, epochs in settings]], dtype=torch.float64)
    cosine = 0.5 * (1 + torch.cos(math.pi * (step - warmup) /
                                  (ends - warmup).clamp(min=1)))
    scale = torch.where(step < warmup, (step + 1) / warmup, cosine)
    return (lrs * scale * (step < ends)).float()


def fit_linear_probes(feats: Tensor, labels: Tensor, settings,
                      batch_size: int = 256, warmup_epochs: int = 1,
                      seed: int = 0) -> list:
    """One BN + linear probe per ``(lr, epochs)`` setting, trained together:
    SGD (momentum 0.9) on the mean cross-entropy, warm-up + cosine per
    setting. They share the seed's initial weights, batches and BatchNorm
    statistics, exactly as separate runs at one seed would, so each equals
    its own run (tested); together they take one pass over the longest
    schedule, as one (B, D) x (D, S*K) product a step, instead of one pass
    per setting.

    Args:
        feats (Tensor): (N, D); labels (Tensor): (N,) ints.
        settings (list): [(lr, epochs)], S of them.

    Returns:
        list[LinearProbe]: S fitted probes, in the order of ``settings``.
    """
    gen = torch.Generator().manual_seed(seed)
    (n, dim), num_classes = feats.shape, int(labels.max()) + 1
    init = torch.empty(num_classes, dim)
    nn.init.trunc_normal_(init, std=0.01, generator=gen)
    weight = init.repeat(len(settings), 1)       # (S * K, D)
    bias = torch.zeros(len(settings) * num_classes)
    weight_buf, bias_buf = torch.zeros_like(weight), torch.zeros_like(bias)
    norm = nn.BatchNorm1d(dim, affine=False, eps=BN_EPS)
    steps_per_epoch = math.ceil(n / batch_size)
    lr_at_step = step_lrs(settings, steps_per_epoch, warmup_epochs)  # (T, S)
    ends = {}  # the step after which each setting's probe is done
    for s, (_, epochs) in enumerate(settings):
        ends.setdefault(epochs * steps_per_epoch, []).append(s)
    fitted, step = [None] * len(settings), 0
    for _ in range(max(epochs for _, epochs in settings)):
        for idx in torch.randperm(n, generator=gen).split(batch_size):
            x = norm(feats[idx])                                  # (B, D)
            logits = (x @ weight.T + bias).view(len(idx), -1, num_classes)
            # the gradient of each setting's mean cross-entropy, written out
            grad = logits.softmax(-1)
            grad[torch.arange(len(idx)), :, labels[idx]] -= 1
            grad = grad.flatten(1) / len(idx)                     # (B, S*K)
            lr = lr_at_step[step].repeat_interleave(num_classes)  # (S*K,)
            weight_buf.mul_(0.9).add_(grad.T @ x)
            bias_buf.mul_(0.9).add_(grad.sum(0))
            weight -= lr[:, None] * weight_buf
            bias -= lr * bias_buf
            step += 1
            for s in ends.get(step, ()):
                rows = slice(s * num_classes, (s + 1) * num_classes)
                fitted[s] = LinearProbe(
                    norm.running_mean.clone(), norm.running_var.clone(),
                    weight[rows].clone(), bias[rows].clone())
    return fitted


def probe_accuracy(logits: Tensor, labels: Tensor) -> dict:
    """Top-1 / top-5 (%) of logits (M, K) against labels (M,)."""
    topk = logits.topk(min(5, logits.shape[1]), dim=1).indices
    hit = topk == labels[:, None]
    return {'linear/top1': 100. * hit[:, 0].float().mean().item(),
            'linear/top5': 100. * hit.any(1).float().mean().item()}


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
    probe, = fit_linear_probes(train_feats, train_labels, [(lr, epochs)],
                               batch_size, warmup_epochs, seed)
    with torch.no_grad():
        return probe_accuracy(probe(test_feats), test_labels)


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

    def choose(name, score, grid):
        """score(setting, feats, labels) -> metrics: every setting on val,
        then the best one (the first of equals) once on test."""
        scores = {g: score(g, *val)[f'{name}/top1'] for g in grid}
        best = max(grid, key=lambda g: scores[g])
        final = score(best, *test) if test is not None else score(best, *val)
        out.update({f'{name}/top1': final[f'{name}/top1'],
                    f'{name}/val_top1': scores[best],
                    f'{name}/chosen': best})

    def probes(feats, labels, prefix):
        fitted = dict(zip(probe_grid, fit_linear_probes(
            feats, labels, probe_grid, seed=seed)))

        def score(g, f, y):
            with torch.no_grad():
                acc = probe_accuracy(fitted[g](f), y)
            return {f'{prefix}/top1': acc['linear/top1']}
        return score

    choose('knn', lambda k, f, y: knn_accuracy(
        *train, f, y, k=min(k, len(train[0])), temperature=temperature),
        knn_grid)
    choose('linear', probes(*train, 'linear'), probe_grid)
    if lowshot_labels:
        n = lowshot_labels
        choose('lowshot', probes(train[0][:n], train[1][:n], 'lowshot'),
               probe_grid)
        out['lowshot_labels'] = min(n, len(train[0]))
    out.update(scored_on='val' if test is None else 'test',
               probe_grid=[list(g) for g in probe_grid],
               knn_grid=list(knn_grid))
    return out
