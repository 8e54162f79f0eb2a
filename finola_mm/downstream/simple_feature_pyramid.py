"""ViTDet's simple feature pyramid: a multi-scale pyramid from the last
feature map of a plain ViT.

Li et al., "Exploring Plain Vision Transformer Backbones for Object
Detection", ECCV 2022, https://arxiv.org/abs/2203.16527. MMDetection keeps
its version under ``projects/ViTDet``, which the pip package does not ship.
"""
import math
from typing import Optional, Sequence, Tuple

import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmpretrain.models.utils import build_norm_layer
from mmpretrain.registry import MODELS


def _conv_norm(cin: int, cout: int, kernel: int, norm_cfg: dict) -> nn.Module:
    """Conv (no bias, the norm has one) + norm, no activation (ViTDet)."""
    return nn.Sequential(
        nn.Conv2d(cin, cout, kernel, padding=kernel // 2, bias=False),
        build_norm_layer(norm_cfg, cout))


def _rescale(channels: int, factor: float, norm_cfg: dict):
    """(N, C, H, W) -> (N, C', H * factor, W * factor), and C'.

    factor > 1: log2(factor) stride-2 deconvs, each halving C, with norm +
    GELU between them; factor 1: identity; factor < 1: one max pool of
    kernel = stride = 1 / factor (ViTDet's 0.5 is max pool 2).
    """
    steps = math.log2(factor)
    if steps != round(steps):
        raise ValueError(f'scale factor {factor} is not a power of 2.')
    if factor < 1:
        k = round(1 / factor)
        return nn.MaxPool2d(k, k), channels
    layers = []
    for i in range(round(steps)):
        if i:
            layers += [build_norm_layer(norm_cfg, channels), nn.GELU()]
        layers.append(nn.ConvTranspose2d(channels, channels // 2, 2, 2))
        channels //= 2
    return (nn.Sequential(*layers) if layers else nn.Identity()), channels


@MODELS.register_module()
class SimpleFeaturePyramid(BaseModule):
    """One ViT map -> ``num_outs`` maps of ``out_channels`` at several
    strides.

    Each scale factor ``f`` rescales the map (deconvs up, max pool down,
    see :func:`_rescale`), then a 1x1 conv + norm and a 3x3 conv + norm
    bring it to ``out_channels``. Levels beyond ``len(scale_factors)`` are
    max pools (kernel 1, stride 2) of the last one, as MMDetection's FPN
    makes P6 (and P7) without extra convs.

    With a ViT of patch size p the input has stride p, so level i has stride
    ``p / scale_factors[i]``: ViT-B/16 with (4, 2, 1, 0.5) gives strides
    4, 8, 16, 32 (ViTDet); the 32 px tiny ViT (p = 4) with
    (1, 0.5, 0.25, 0.125) gives the same strides.

    Shapes: ``inputs`` is a tuple holding one map (N, in_channels, H, W),
    e.g. ``VisionTransformer(out_type='featmap', with_cls_token=False)``;
    the output is a tuple of ``num_outs`` maps (N, out_channels, H_i, W_i)
    with H_i = H * scale_factors[i] (floor for pools), halving beyond.

    Args:
        in_channels (int): channels of the ViT map (its embed_dims).
        out_channels (int): channels of every output level.
        scale_factors (Sequence[float]): powers of 2, one per level.
            Defaults to (4.0, 2.0, 1.0, 0.5).
        num_outs (int): output levels, >= len(scale_factors). Defaults to
            len(scale_factors).
        norm_cfg (dict): norm after each conv (and between deconvs):
            ``LN2d`` (ViTDet), ``GN`` or ``BN``. Defaults to LN2d.
        init_cfg (dict | list[dict], optional): initialization config.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 scale_factors: Sequence[float] = (4.0, 2.0, 1.0, 0.5),
                 num_outs: Optional[int] = None,
                 norm_cfg: dict = dict(type='LN2d', eps=1e-6),
                 init_cfg=dict(type='Kaiming', layer=['Conv2d',
                                                      'ConvTranspose2d'])):
        super().__init__(init_cfg)
        num_outs = num_outs or len(scale_factors)
        if num_outs < len(scale_factors):
            raise ValueError(f'num_outs={num_outs} < {len(scale_factors)} '
                             f'scale factors {tuple(scale_factors)}.')
        self.in_channels, self.out_channels = in_channels, out_channels
        self.scale_factors, self.num_outs = tuple(scale_factors), num_outs
        self.stages = nn.ModuleList()
        for factor in scale_factors:
            rescale, channels = _rescale(in_channels, factor, norm_cfg)
            self.stages.append(nn.Sequential(
                rescale, _conv_norm(channels, out_channels, 1, norm_cfg),
                _conv_norm(out_channels, out_channels, 3, norm_cfg)))

    def forward(self, inputs: Tuple[Tensor]) -> Tuple[Tensor, ...]:
        """(one map (N, in_channels, H, W),) -> num_outs maps (see class)."""
        self._check_inputs(inputs)
        outs = [stage(inputs[0]) for stage in self.stages]
        while len(outs) < self.num_outs:
            outs.append(F.max_pool2d(outs[-1], 1, stride=2))
        return tuple(outs)

    def _check_inputs(self, inputs) -> None:
        shapes = [tuple(x.shape) for x in inputs]
        if len(inputs) != 1 or inputs[0].shape[1] != self.in_channels:
            raise ValueError(
                f'SimpleFeaturePyramid(in_channels={self.in_channels}) takes '
                f'one map (N, {self.in_channels}, H, W) but got maps of '
                f'shapes {shapes}; give the ViT out_indices=-1 '
                f"(out_type='featmap') and set neck.in_channels to its "
                f'embed_dims.')
