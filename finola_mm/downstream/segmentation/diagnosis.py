"""What a segmentor's logits say before the argmax: a test metric beside
MMSegmentation's ``IoUMetric`` that tells "finds no objects" apart from
"finds objects, names the wrong class" (docs/segmentation_transfer.md).

Counts per image, reduced at the end:
- the confusion matrix (ground truth x prediction), per-class IoU and recall;
- the mean cross-entropy of each ground-truth class;
- on object pixels (ground truth != background): how often the argmax is
  background, the mean softmax probability of background, how often the
  objectness ``1 - p(background)`` exceeds 1/2, and how often the best
  *object* class is the right one (the class read-out with background
  ruled out).
"""
from typing import Optional, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log

from mmseg.registry import METRICS


def pixel_counts(logits: torch.Tensor, label: torch.Tensor,
                 num_classes: int, ignore_index: int = 255,
                 background: int = 0) -> dict:
    """One image's sums: ``logits`` (C, H, W), ``label`` (H, W) ->
    {confusion (C, C) int64 [gt, pred], loss_sum (C,), pixels (C,),
    fg_pixels, fg_argmax_bg, fg_p_bg_sum, fg_objectness, fg_class_right}
    as numpy values."""
    keep = label != ignore_index
    logits = logits.float().flatten(1)[:, keep.flatten()].T  # (N, C)
    gt = label[keep].long()
    pred = logits.argmax(1)
    confusion = torch.bincount(gt * num_classes + pred,
                               minlength=num_classes ** 2)
    loss = F.cross_entropy(logits, gt, reduction='none')
    fg = gt != background
    p_bg = logits.softmax(1)[:, background]
    objects = logits.clone()
    objects[:, background] = float('-inf')
    return dict(
        confusion=confusion.view(num_classes, num_classes).numpy(),
        loss_sum=torch.zeros(num_classes).index_add_(0, gt, loss).numpy(),
        pixels=torch.bincount(gt, minlength=num_classes).numpy(),
        fg_pixels=int(fg.sum()),
        fg_argmax_bg=int((pred[fg] == background).sum()),
        fg_p_bg_sum=float(p_bg[fg].sum()),
        fg_objectness=int((p_bg[fg] < 0.5).sum()),
        fg_class_right=int((objects[fg].argmax(1) == gt[fg]).sum()))


def summarize(counts: Sequence[dict], classes: Sequence[str],
              background: int = 0) -> dict:
    """Per-image ``pixel_counts`` -> the metric's dict: ``IoU.<class>``,
    ``recall.<class>``, ``loss.<class>`` and the object-pixel rates (%),
    and ``confusion`` (a list of rows, ground truth x prediction)."""
    total = {k: sum(c[k] for c in counts) for k in counts[0]}
    conf = total['confusion'].astype(np.float64)
    tp = np.diag(conf)
    with np.errstate(divide='ignore', invalid='ignore'):
        iou = tp / (conf.sum(0) + conf.sum(1) - tp)
        recall = tp / conf.sum(1)
        loss = total['loss_sum'] / total['pixels']
    out = {}
    for i, name in enumerate(classes):
        out[f'IoU.{name}'] = round(100 * float(iou[i]), 2)
        out[f'recall.{name}'] = round(100 * float(recall[i]), 2)
        out[f'loss.{name}'] = round(float(loss[i]), 4)
    fg = max(total['fg_pixels'], 1)
    out.update({
        'object_px_as_background': 100 * total['fg_argmax_bg'] / fg,
        'object_px_mean_p_background': 100 * total['fg_p_bg_sum'] / fg,
        'object_px_objectness_above_half': 100 * total['fg_objectness'] / fg,
        'object_px_best_object_class_right': (
            100 * total['fg_class_right'] / fg),
        # object classes seen (in ground truth or prediction) at 0 IoU; a
        # float: MMEngine's JSON log drops an int metric (writes null)
        'objects_zero_iou': float(np.sum(np.delete(iou, background) == 0)),
    })
    out = {k: round(v, 2) if isinstance(v, float) else v
           for k, v in out.items()}
    out['confusion'] = total['confusion'].tolist()
    return out


def diagnosis_table(metrics: dict, classes: Sequence[str]) -> str:
    """The per-class lines and the object-pixel rates as text."""
    lines = [f'{"class":<14}{"IoU":>8}{"recall":>8}{"CE":>8}']
    for name in classes:
        lines.append(f'{name:<14}{metrics[f"IoU.{name}"]:>8.2f}'
                     f'{metrics[f"recall.{name}"]:>8.2f}'
                     f'{metrics[f"loss.{name}"]:>8.3f}')
    lines += [f'{k}: {metrics[k]}' for k in metrics
              if k.startswith('object')]
    return '\n'.join(lines)


@METRICS.register_module()
class SegDiagnosisMetric(BaseMetric):
    """Per-class IoU, recall and loss, the confusion matrix, and the
    object-pixel rates of ``pixel_counts``, from the ``seg_logits`` that
    MMSegmentation's ``EncoderDecoder`` puts in each data sample. Add it
    beside ``IoUMetric``: ``test_evaluator = [dict(type='IoUMetric', ...),
    dict(type='SegDiagnosisMetric')]``. The background is class
    ``background`` (index 0 in the demo set)."""

    default_prefix = 'diag'

    def __init__(self, background: int = 0, ignore_index: int = 255,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.background, self.ignore_index = background, ignore_index

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        num_classes = len(self.dataset_meta['classes'])
        for sample in data_samples:
            if 'seg_logits' not in sample:
                raise KeyError('SegDiagnosisMetric needs seg_logits in the '
                               'data samples (EncoderDecoder.predict puts '
                               'them there); a model that drops them cannot '
                               'be diagnosed')
            self.results.append(pixel_counts(
                sample['seg_logits']['data'].cpu(),
                sample['gt_sem_seg']['data'].squeeze(0).cpu(), num_classes,
                self.ignore_index, self.background))

    def compute_metrics(self, results: list) -> dict:
        classes = self.dataset_meta['classes']
        metrics = summarize(results, classes, self.background)
        print_log('segmentation diagnosis (object pixels = ground truth not '
                  'background):\n' + diagnosis_table(metrics, classes),
                  logger='current')
        return metrics
