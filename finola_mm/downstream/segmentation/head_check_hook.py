"""Fail at start-up, saying what to change, when a segmentor's backbone (and
neck) outputs do not fit its decode and auxiliary heads.

MMSegmentation's heads pick ``inputs[in_index]`` and convolve them, so a
wrong ``in_index`` is an IndexError and a wrong ``in_channels`` a conv shape
error, both deep in the first forward. (A ``Pretrained`` checkpoint that does
not fit the backbone is CheckpointCompatibilityHook's job.)
"""
from typing import List, Optional

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmpretrain.registry import HOOKS


def _as_list(value) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


@torch.no_grad()
def head_mismatch(model, img_size: int = 64) -> Optional[str]:
    """None if every head fits the features of one zero image, else what
    the features are and what to set."""
    modes = {m: m.training for m in model.modules()}
    model.eval()
    try:
        param = next(model.parameters())
        img = torch.zeros(1, 3, img_size, img_size, device=param.device)
        feats = model.extract_feat(img)
    finally:
        for m, mode in modes.items():
            m.training = mode
    channels: List[int] = [f.shape[1] for f in feats]
    heads = [('decode_head', model.decode_head)]
    aux = getattr(model, 'auxiliary_head', None)
    if aux is not None:
        heads += [(f'auxiliary_head.{i}', h) for i, h in enumerate(aux)] \
            if isinstance(aux, torch.nn.ModuleList) else [('auxiliary_head',
                                                           aux)]
    problems = []
    for name, head in heads:
        index, expect = _as_list(head.in_index), _as_list(head.in_channels)
        if max(index) >= len(channels):
            problems.append(f'model.{name} reads in_index={head.in_index} '
                            f'but there are {len(channels)} feature maps')
            continue
        got = [channels[i] for i in index]
        if got != expect:
            fix = got if isinstance(head.in_channels, (list, tuple)) \
                else got[0]
            problems.append(f'model.{name} expects in_channels='
                            f'{head.in_channels} at in_index={head.in_index}'
                            f' but gets {fix}: set '
                            f'model.{name}.in_channels={fix}')
    if not problems:
        return None
    return (f'The backbone{" + neck" if model.with_neck else ""} gives '
            f'{len(channels)} feature maps with channels {channels}; '
            + '; '.join(problems) + '. Or change the backbone\'s '
            'out_indices / the neck so that they give what the heads read.')


@HOOKS.register_module()
class SegBackboneHeadCheckHook(Hook):
    """Raises ``ValueError`` before the first step (of training, validation
    or testing) when the features do not fit the heads; see
    :func:`head_mismatch`. Keyed in the segmentation runtime base."""

    priority = 'VERY_HIGH'

    def __init__(self, img_size: int = 64) -> None:
        self.img_size = img_size

    def _check(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) \
            else runner.model
        problem = head_mismatch(model, self.img_size)
        if problem:
            raise ValueError(problem)

    def before_train(self, runner) -> None:
        self._check(runner)

    def before_test(self, runner) -> None:
        self._check(runner)
