"""Fail at start-up, saying what to change, when a detector's backbone does
not fit its neck and heads.

MMDetection's FPN only asserts ``len(inputs) == len(self.in_channels)`` at
the first forward, a channel mismatch surfaces as a conv shape error deep in
the neck, and wrong strides train silently against misplaced anchors. (A
``Pretrained`` checkpoint that does not fit the backbone is
CheckpointCompatibilityHook's job.)
"""
from typing import List, Optional

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from torch import nn

from mmpretrain.registry import HOOKS


def _unwrap(model: nn.Module) -> nn.Module:
    return model.module if is_model_wrapper(model) else model


def _describe(module: nn.Module, cfg: Optional[dict]) -> str:
    """'mmpretrain.MobileFormer(arch='tiny', out_indices=(1, 2, 3))' from
    the config where there is one, else the class name."""
    if not cfg:
        return type(module).__name__
    args = ', '.join(f'{k}={v!r}' for k, v in cfg.items()
                     if k in ('arch', 'out_indices', 'scale_factors'))
    return f'{cfg.get("type", type(module).__name__)}({args})'


def _prior_strides(model: nn.Module) -> Optional[List[int]]:
    """The strides the dense head (RetinaNet) or RPN puts anchors at."""
    head = getattr(model, 'rpn_head', None) or getattr(model, 'bbox_head',
                                                       None)
    gen = getattr(head, 'prior_generator', None)
    return [s[0] if isinstance(s, (tuple, list)) else s
            for s in gen.strides] if gen is not None else None


@torch.no_grad()
def _feature_maps(model: nn.Module, img_size: int):
    """Backbone and neck outputs for one zero image (None for the neck's if
    they do not fit it), and out_indices that would fit (None if unknown).

    Run in eval mode, so BN running stats are left alone; the train/eval
    modes are restored.
    """
    modes = {m: m.training for m in model.modules()}
    model.eval()
    try:
        param = next(model.parameters())
        img = torch.zeros(1, 3, img_size, img_size, device=param.device)
        feats = model.backbone(img)
        if _fits(model, feats):
            return feats, model.neck(feats), None
        return feats, None, _fitting_out_indices(model, img)
    finally:
        for m, mode in modes.items():
            m.training = mode


def _fitting_out_indices(model: nn.Module, img) -> Optional[tuple]:
    """Stage indices whose maps have the neck's in_channels, for backbones
    with a ``stages`` list picked by ``out_indices`` (MobileFormer)."""
    backbone, wanted = model.backbone, _neck_in_channels(model)
    stages = getattr(backbone, 'stages', None)
    if stages is None or not hasattr(backbone, 'out_indices'):
        return None
    chosen = backbone.out_indices
    backbone.out_indices = list(range(len(stages)))
    try:
        channels = [f.shape[1] for f in backbone(img)]
    finally:
        backbone.out_indices = chosen
    picked = []
    for i, c in enumerate(channels):  # in order, each stage once
        if len(picked) < len(wanted) and c == wanted[len(picked)]:
            picked.append(i)
    return tuple(picked) if len(picked) == len(wanted) else None


def _neck_in_channels(model: nn.Module) -> List[int]:
    channels = model.neck.in_channels
    return [channels] if isinstance(channels, int) else list(channels)


def _fits(model: nn.Module, feats) -> bool:
    return [f.shape[1] for f in feats] == _neck_in_channels(model)


def backbone_neck_mismatch(model: nn.Module, backbone_cfg: dict = None,
                           neck_cfg: dict = None,
                           img_size: Optional[int] = None) -> str:
    """'' when the backbone's maps fit ``neck.in_channels`` and the neck's
    strides fit the heads, else what is wrong and how to fix it.

    ``img_size``: side of the zero image, a multiple of every stride;
    defaults to the coarsest anchor stride (its level is then 1 x 1), or
    256 without anchors.
    """
    img_size = img_size or max(_prior_strides(model) or [256])
    feats, outs, out_indices = _feature_maps(model, img_size)
    backbone = _describe(model.backbone, backbone_cfg)
    neck = _describe(model.neck, neck_cfg)
    channels = [f.shape[1] for f in feats]
    strides = [img_size // f.shape[-1] for f in feats]
    if outs is None:
        one_map = isinstance(model.neck.in_channels, int)
        if one_map and len(feats) > 1:
            fix = 'set backbone.out_indices=-1 (the neck takes one map)'
        else:
            given = channels[-1] if one_map else channels
            fix = f'set neck.in_channels={given}'
            if out_indices:
                fix += f' or backbone.out_indices={out_indices}'
        return (f'backbone {backbone} gives {len(feats)} map(s) with '
                f'channels {channels} at strides {strides}; neck {neck} '
                f'expects in_channels={model.neck.in_channels}; {fix}.')
    return _stride_mismatch(model, neck, [img_size // o.shape[-1]
                                          for o in outs])


def _stride_mismatch(model: nn.Module, neck: str, strides: List[int]) -> str:
    """'' when the heads read the neck's levels at the neck's strides."""
    wanted = {'anchor generator': _prior_strides(model)}
    roi = getattr(getattr(model, 'roi_head', None), 'bbox_roi_extractor',
                  None)
    if roi is not None:
        wanted['roi_head.bbox_roi_extractor'] = list(roi.featmap_strides)
    for name, head_strides in wanted.items():
        if head_strides and strides[:len(head_strides)] != head_strides:
            return (f'neck {neck} outputs levels at strides {strides} but '
                    f'the {name} expects strides {head_strides}; for '
                    f'SimpleFeaturePyramid choose scale_factors = patch size '
                    f'/ stride (and num_outs), for FPN start_level/num_outs.')
    return ''


@HOOKS.register_module()
class DetBackboneNeckCheckHook(Hook):
    """Before training or testing, runs the backbone and neck on one zero
    image and raises ``ValueError`` if the backbone's maps do not match
    ``neck.in_channels`` (count or channels) or the neck's strides do not
    match the anchor generator / RoI extractor strides.

    Args:
        img_size (int, optional): side of the zero image, a multiple of
            every stride. Defaults to the coarsest anchor stride.
    """
    priority = 'VERY_HIGH'

    def __init__(self, img_size: Optional[int] = None) -> None:
        self.img_size = img_size

    def before_run(self, runner) -> None:
        model_cfg = runner.cfg.get('model', {})
        problem = backbone_neck_mismatch(
            _unwrap(runner.model), model_cfg.get('backbone'),
            model_cfg.get('neck'), self.img_size)
        if problem:
            raise ValueError(problem)
