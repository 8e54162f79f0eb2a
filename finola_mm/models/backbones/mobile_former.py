"""Mobile-Former: a MobileNet branch and a few global tokens, bridged.

Chen et al., "Mobile-Former: Bridging MobileNet and Transformer", CVPR 2022,
https://arxiv.org/abs/2108.05895. Our own compact code; the arch tables follow
the paper and its group's public code (GitHub AAboys/MobileFormer).
Shapes: feature maps are (N, C, H, W), tokens are (N, T, d).
"""
from typing import Optional, Sequence, Union

import torch
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmcv.cnn.bricks import DropPath
from mmpretrain.models.backbones.base_backbone import BaseBackbone
from mmpretrain.models.utils import channel_shuffle
from mmpretrain.registry import MODELS
from torch import Tensor, nn
from torch.nn.modules.batchnorm import _BatchNorm


def _heads(x: Tensor, num_heads: int) -> Tensor:
    """(N, L, C) -> (N, heads, L, C / heads): channels split into heads."""
    N, L, C = x.shape
    return x.reshape(N, L, num_heads, C // num_heads).transpose(1, 2)


def _merge(x: Tensor) -> Tensor:
    """(N, heads, L, c) -> (N, L, heads * c)."""
    N, h, L, c = x.shape
    return x.transpose(1, 2).reshape(N, L, h * c)


class Mobile2Former(nn.Module):
    """Tokens cross-attend to the map: (N, C, H, W), (N, T, d) -> (N, T, d).

    Lightweight: only the tokens are projected (queries in C channels); the
    map is keys and values as it is. A token-conditioned gate in [0, 2]
    scales the result per channel, then a post-norm residual.
    """

    def __init__(self, channels: int, token_dims: int, num_heads: int = 2,
                 drop_path: float = 0.) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.q = nn.Linear(token_dims, channels)
        self.gate = nn.Sequential(nn.Linear(token_dims, channels),
                                  nn.Hardsigmoid())
        self.proj = nn.Linear(channels, token_dims)
        self.norm = nn.LayerNorm(token_dims)
        self.drop_path = DropPath(drop_path)

    def forward(self, x: Tensor, tokens: Tensor) -> Tensor:
        kv = _heads(x.flatten(2).transpose(1, 2), self.num_heads)
        q = _heads(self.q(tokens), self.num_heads)  # (N, heads, T, C/heads)
        out = _merge(F.scaled_dot_product_attention(q, kv, kv))  # (N, T, C)
        out = self.proj(out * 2 * self.gate(tokens))
        return self.norm(tokens + self.drop_path(out))


class Former2Mobile(nn.Module):
    """The map cross-attends to the tokens: (N, C, H, W) -> same shape.

    The map is the query as it is; keys and values are projections of the
    T tokens, so the cost is O(HW * T * C).
    """

    def __init__(self, channels: int, token_dims: int, num_heads: int = 2,
                 drop_path: float = 0.) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.k = nn.Linear(token_dims, channels)
        self.v = nn.Linear(token_dims, channels)
        self.drop_path = DropPath(drop_path)

    def forward(self, x: Tensor, tokens: Tensor) -> Tensor:
        N, C, H, W = x.shape
        q = _heads(x.flatten(2).transpose(1, 2), self.num_heads)
        k = _heads(self.k(tokens), self.num_heads)  # (N, heads, T, C/heads)
        v = _heads(self.v(tokens), self.num_heads)
        out = _merge(F.scaled_dot_product_attention(q, k, v))  # (N, HW, C)
        return x + self.drop_path(out.transpose(1, 2).reshape(N, C, H, W))


class Former(nn.Module):
    """Post-norm transformer layer on the tokens: (N, T, d) -> (N, T, d).

    Attention is as light as in the bridges (queries projected, the tokens
    are keys and values as they are, as in the reference code); FFN x2.
    """

    def __init__(self, token_dims: int, num_heads: int = 4,
                 ffn_ratio: int = 2, drop_path: float = 0.) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.q = nn.Linear(token_dims, token_dims)
        self.proj = nn.Linear(token_dims, token_dims)
        self.norm1 = nn.LayerNorm(token_dims)
        self.ffn = nn.Sequential(
            nn.Linear(token_dims, token_dims * ffn_ratio), nn.GELU(),
            nn.Linear(token_dims * ffn_ratio, token_dims))
        self.norm2 = nn.LayerNorm(token_dims)
        self.drop_path = DropPath(drop_path)

    def forward(self, t: Tensor) -> Tensor:
        kv = _heads(t, self.num_heads)
        q = _heads(self.q(t), self.num_heads)
        out = _merge(F.scaled_dot_product_attention(q, kv, kv))
        t = self.norm1(t + self.drop_path(self.proj(out)))
        return self.norm2(t + self.drop_path(self.ffn(t)))


class DyReLU(nn.Module):
    """Dynamic ReLU max(a1 * x, a2 * x), slopes per channel from token 0.

    (N, C, H, W), (N, T, d) -> (N, C, H, W). a1 in [0, 2], a2 in [-1, 1];
    a hyper-net output near 0 gives a1 = 1, a2 = 0, i.e. a plain ReLU.
    """

    def __init__(self, channels: int, token_dims: int,
                 reduction: int = 4) -> None:
        super().__init__()
        self.hyper = nn.Sequential(
            nn.Linear(token_dims, token_dims // reduction), nn.ReLU(),
            nn.Linear(token_dims // reduction, 2 * channels), nn.Hardsigmoid())

    def forward(self, x: Tensor, tokens: Tensor) -> Tensor:
        a1, a2 = self.hyper(tokens[:, 0])[..., None, None].chunk(2, dim=1)
        return torch.maximum(x * (2 * a1), x * (2 * a2 - 1))


class Shuffle(nn.Module):
    """Channel shuffle, so the next grouped 1x1 conv sees every group."""

    def __init__(self, groups: int) -> None:
        super().__init__()
        self.groups = groups

    def forward(self, x: Tensor) -> Tensor:
        return channel_shuffle(x, self.groups)


def _conv(cin, cout, k, stride=1, groups=1, shuffle=1, norm_cfg=None,
          act_cfg=None) -> nn.Module:
    """Conv + norm (+ act), followed by a channel shuffle if shuffle > 1."""
    conv = ConvModule(cin, cout, k, stride, k // 2, groups=groups,
                      norm_cfg=norm_cfg, act_cfg=act_cfg)
    return nn.Sequential(conv, Shuffle(shuffle)) if shuffle > 1 else conv


class LiteBottleneck(nn.Module):
    """'bneck-lite': dw3x3 (x expand) -> ReLU6 -> pw; the tokens pass by."""

    def __init__(self, cin, cout, expand, stride, token_dims, groups=1,
                 norm_cfg=dict(type='BN'), drop_path=0.) -> None:
        super().__init__()
        self.identity = stride == 1 and cin == cout
        self.dw = _conv(cin, cin * expand, 3, stride, groups=cin,
                        shuffle=cin if groups > 1 else 1, norm_cfg=norm_cfg,
                        act_cfg=dict(type='ReLU6'))
        self.pw = _conv(cin * expand, cout, 1, groups=groups,
                        norm_cfg=norm_cfg)

    def forward(self, x: Tensor, tokens: Tensor):
        y = self.pw(self.dw(x))
        return (x + y if self.identity else y), tokens


class MobileFormerBlock(nn.Module):
    """Mobile->Former, Former, Mobile (DyReLU from the tokens), Former->Mobile.

    The Mobile sub-block is, for ``stride == 1``, pw (x expand) -> DyReLU ->
    dw3x3 -> DyReLU -> pw, with a residual when the shape is kept; for
    ``stride == 2`` (``expand = (e1, e2)``), dw3x3/2 (x e1) -> DyReLU -> pw,
    then dw3x3 (x e2) -> DyReLU -> pw with a residual around that half.
    """

    def __init__(self, cin, cout, expand, stride, token_dims, groups=1,
                 norm_cfg=dict(type='BN'), drop_path=0.) -> None:
        super().__init__()
        d, g = token_dims, groups
        self.down = stride == 2
        self.identity = stride == 1 and cin == cout
        # grouped 1x1s: reorder a dw conv's copies so every group of the
        # next 1x1 sees every input channel
        sh_in, sh_out = (cin, cout) if g > 1 else (1, 1)
        if self.down:
            hid1, hid2 = cin * expand[0], cout * expand[1]
            self.conv1 = _conv(cin, hid1, 3, 2, groups=cin, shuffle=sh_in,
                               norm_cfg=norm_cfg)
            self.conv2 = _conv(hid1, cout, 1, groups=g, norm_cfg=norm_cfg)
            self.conv3 = _conv(cout, hid2, 3, groups=cout, shuffle=sh_out,
                               norm_cfg=norm_cfg)
            self.conv4 = _conv(hid2, cout, 1, groups=g, norm_cfg=norm_cfg)
        else:
            hid1 = hid2 = cin * expand
            self.conv1 = _conv(cin, hid1, 1, groups=g, shuffle=g,
                               norm_cfg=norm_cfg)
            self.conv2 = _conv(hid1, hid1, 3, groups=hid1, norm_cfg=norm_cfg)
            self.conv3 = _conv(hid1, cout, 1, groups=g, shuffle=g,
                               norm_cfg=norm_cfg)
        self.act1, self.act2 = DyReLU(hid1, d), DyReLU(hid2, d)
        self.mobile_to_former = Mobile2Former(cin, d, drop_path=drop_path)
        self.former = Former(d, drop_path=drop_path)
        self.former_to_mobile = Former2Mobile(cout, d, drop_path=drop_path)
        self.drop_path = DropPath(drop_path)

    def mobile(self, x: Tensor, t: Tensor) -> Tensor:
        if self.down:
            x = self.conv2(self.act1(self.conv1(x), t))
            y = self.conv4(self.act2(self.conv3(x), t))
        else:
            y = self.act1(self.conv1(x), t)
            y = self.conv3(self.act2(self.conv2(y), t))
        return x + self.drop_path(y) if self.down or self.identity else y

    def forward(self, x: Tensor, tokens: Tensor):
        tokens = self.former(self.mobile_to_former(x, tokens))
        return self.former_to_mobile(self.mobile(x, tokens), tokens), tokens


D = (6, 4)  # expansions (e1, e2) of every published stride-2 block


@MODELS.register_module()
class MobileFormer(BaseBackbone):
    """Mobile-Former backbone: MobileNet stages bridged with global tokens.

    The stem (conv3x3/2) is followed by four stages whose outputs have
    strides 4, 8, 16, 32. Stage 0 opens with the bneck-lite block; every
    other block is a :class:`MobileFormerBlock`, and a stage's first block
    halves the map. The ``T`` tokens are a learned (1, T, d) parameter,
    expanded over the batch. The classifier head (last Mobile->Former, 1x1
    conv, FC 1920, FC 1000) is not part of the backbone.

    Blocks follow the paper and its code, Dynamic ReLU included. Differences
    in detail: drop path rises linearly from 0 and also acts on the Former's
    FFN; Linear layers start trunc-normal (std .02) by default.

    Backbone params (measured; the published totals also count a head of
    final Mobile->Former + 1x1 conv to 6C + FC 1920 (1600, 1280, 1024) + FC
    1000, e.g. 5.55M for 508M and 4.84M for 294M): tiny 0.127M, 26m 1.43M,
    52m 1.63M, 96m 2.00M, 151m 4.91M, 214m 5.73M, 294m 6.58M, 508m 8.43M,
    i.e. within 3% of published total minus head. Backbone MACs at 224 px
    (torch FlopCounterMode / 2; the head adds 15-22M): 26m 21M, 52m 45M,
    96m 84M, 151m 138M, 214m 197M, 294m 270M, 508m 475M.

    Args:
        arch (str | dict): a key of ``arch_zoo`` or a dict with its keys:
            ``num_tokens``, ``token_dims``, ``stem_channels``, ``groups``
            (of the 1x1 convs), ``lite`` = (dw expand, out, stride) and
            ``stages``: four lists of (expand, out, stride); ``expand`` is
            an int for stride 1 and (e1, e2) for stride 2. Defaults to '294m'.
        in_channels (int): input channels. Defaults to 3.
        out_indices (Sequence[int]): stages to output, 0-3 (strides 4-32);
            negative indices count from the end. Defaults to (-1, ).
        frozen_stages (int): freeze the stem and the first k stages (with the
            tokens if k >= 1), kept in eval mode. Defaults to -1 (none).
        norm_eval (bool): keep BN layers in eval mode. Defaults to False.
        norm_cfg (dict): norm of the convolutions. Defaults to BN.
        drop_path_rate (float): stochastic depth, rising linearly over the
            blocks. Defaults to 0.
        init_cfg (dict | list[dict], optional): initialization config.
    """
    # Per block (expand, out, stride); D = (e1, e2) of the stride-2 blocks.
    arch_zoo = {
        'tiny': dict(num_tokens=3, token_dims=32, stem_channels=8, groups=1,
                     lite=(2, 8, 1),
                     stages=[[((4, 2), 16, 2)], [((4, 2), 24, 2), (3, 24, 1)],
                             [((4, 2), 32, 2), (3, 40, 1)],
                             [((4, 2), 48, 2)]]),
        '26m': dict(num_tokens=3, token_dims=128, stem_channels=8, groups=4,
                    lite=(3, 12, 2),
                    stages=[[(3, 12, 1)], [(D, 24, 2), (3, 24, 1)],
                            [(D, 48, 2), (4, 48, 1), (6, 64, 1)],
                            [(D, 96, 2), (6, 96, 1)]]),
        '96m': dict(num_tokens=4, token_dims=128, stem_channels=12, groups=1,
                    lite=(2, 12, 1),
                    stages=[[(D, 16, 2)], [(D, 32, 2), (3, 32, 1)],
                            [(D, 64, 2), (4, 64, 1), (6, 88, 1)],
                            [(D, 128, 2), (6, 128, 1)]]),
        '151m': dict(num_tokens=6, token_dims=192, stem_channels=12, groups=1,
                     lite=(2, 12, 1),
                     stages=[[(D, 16, 2), (3, 16, 1)],
                             [(D, 32, 2), (3, 32, 1)],
                             [(D, 64, 2), (4, 64, 1), (6, 88, 1), (6, 88, 1)],
                             [(D, 128, 2), (6, 128, 1), (6, 128, 1)]]),
        '214m': dict(num_tokens=6, token_dims=192, stem_channels=12, groups=1,
                     lite=(2, 12, 1),
                     stages=[[(D, 20, 2), (3, 20, 1)],
                             [(D, 40, 2), (4, 40, 1)],
                             [(D, 80, 2), (4, 80, 1), (6, 112, 1),
                              (6, 112, 1)],
                             [(D, 160, 2), (6, 160, 1), (6, 160, 1)]]),
        '294m': dict(num_tokens=6, token_dims=192, stem_channels=16, groups=1,
                     lite=(2, 16, 1),
                     stages=[[(D, 24, 2), (4, 24, 1)],
                             [(D, 48, 2), (4, 48, 1)],
                             [(D, 96, 2), (4, 96, 1), (6, 128, 1),
                              (6, 128, 1)],
                             [(D, 192, 2), (6, 192, 1), (6, 192, 1)]]),
        '508m': dict(num_tokens=6, token_dims=192, stem_channels=24, groups=1,
                     lite=(2, 24, 1),
                     stages=[[(D, 40, 2), (3, 40, 1)],
                             [(D, 72, 2), (3, 72, 1)],
                             [(D, 128, 2), (4, 128, 1), (6, 176, 1),
                              (6, 176, 1)],
                             [(D, 240, 2), (6, 240, 1), (6, 240, 1)]]),
    }
    arch_zoo['52m'] = dict(arch_zoo['26m'], groups=1)  # 26M: grouped 1x1s

    def __init__(self,
                 arch: Union[str, dict] = '294m',
                 in_channels: int = 3,
                 out_indices: Sequence[int] = (-1, ),
                 frozen_stages: int = -1,
                 norm_eval: bool = False,
                 norm_cfg: dict = dict(type='BN'),
                 drop_path_rate: float = 0.,
                 init_cfg: Optional[Union[dict, list]] = [
                     dict(type='Kaiming', layer='Conv2d'),
                     dict(type='TruncNormal', layer='Linear', std=.02),
                     dict(type='Constant', val=1,
                          layer=['_BatchNorm', 'LayerNorm'])
                 ]) -> None:
        super().__init__(init_cfg)
        arch = self._get_arch(arch)
        self.num_tokens = arch['num_tokens']
        self.token_dims = arch['token_dims']
        self.stem_channels = arch['stem_channels']
        # N(0, 1) as the reference's nn.Embedding: the tokens start distinct
        self.tokens = nn.Parameter(torch.randn(1, self.num_tokens,
                                               self.token_dims))
        self.stem = ConvModule(in_channels, self.stem_channels, 3, 2, 1,
                               norm_cfg=norm_cfg, act_cfg=dict(type='ReLU6'))
        self.stages, channels, strides = self._make_stages(
            arch, norm_cfg, drop_path_rate)

        num = len(self.stages)
        if isinstance(out_indices, int):
            out_indices = [out_indices]
        self.out_indices = [i + num if i < 0 else i for i in out_indices]
        if not all(0 <= i < num for i in self.out_indices):
            raise ValueError(f'out_indices {tuple(out_indices)} out of range:'
                             f' MobileFormer has {num} stages (0..{num - 1}, '
                             f'or -{num}..-1).')
        if not -1 <= frozen_stages <= num:
            raise ValueError(f'frozen_stages={frozen_stages} must be in '
                             f'[-1, {num}].')
        self.out_channels = [channels[i] for i in self.out_indices]
        self.out_strides = [strides[i] for i in self.out_indices]
        self.frozen_stages, self.norm_eval = frozen_stages, norm_eval
        self._freeze_stages()

    def _get_arch(self, arch: Union[str, dict]) -> dict:
        if isinstance(arch, str):
            if arch.lower() not in self.arch_zoo:
                raise ValueError(f'Unknown MobileFormer arch {arch!r}; choose '
                                 f'one of {sorted(self.arch_zoo)} or a dict.')
            return self.arch_zoo[arch.lower()]
        missing = set(self.arch_zoo['tiny']) - set(arch)
        if missing:
            raise ValueError(f'MobileFormer arch dict misses {missing}.')
        return arch

    def _make_stages(self, arch: dict, norm_cfg: dict, drop_path_rate: float):
        """The stages (bneck-lite first), their out channels and strides."""
        specs = [list(s) for s in arch['stages']]
        specs[0].insert(0, arch['lite'])
        dpr = iter(torch.linspace(0, drop_path_rate,
                                  sum(map(len, specs))).tolist())
        stages, channels, strides = nn.ModuleList(), [], []
        cin, stride = self.stem_channels, 2
        for spec in specs:
            blocks = nn.ModuleList()
            for expand, cout, s in spec:
                # the very first block is the bneck-lite, without the bridge
                cls = MobileFormerBlock if stages or blocks else LiteBottleneck
                blocks.append(cls(cin, cout, expand, s, arch['token_dims'],
                                  arch['groups'], norm_cfg, next(dpr)))
                cin, stride = cout, stride * s
            stages.append(blocks)
            channels.append(cin)
            strides.append(stride)
        return stages, channels, strides

    def forward(self, x: Tensor) -> tuple:
        """Images (N, C, H, W) -> maps (N, C_i, H/s_i, W/s_i), out_indices.

        H and W should be multiples of 32 (the last stride).
        """
        return self.forward_stages(self.stem(x))

    def forward_stages(self, x: Tensor) -> tuple:
        """Stem output (N, C_stem, H/2, W/2) -> maps for ``out_indices``."""
        tokens = self.tokens.expand(x.shape[0], -1, -1)
        outs = {}
        for i, stage in enumerate(self.stages):
            for block in stage:
                x, tokens = block(x, tokens)
            if i in self.out_indices:
                outs[i] = x
        return tuple(outs[i] for i in self.out_indices)

    def get_layer_depth(self, param_name: str, prefix: str = '') -> tuple:
        """(depth, max depth) of a parameter for layer-wise LR decay.

        As MMPretrain's ViT: stem and tokens are depth 0, block j (counted
        over all stages) is j + 1, and anything after the backbone (neck,
        head) is the last depth.
        """
        num_blocks = sum(len(stage) for stage in self.stages)
        max_depth = num_blocks + 2
        if not param_name.startswith(prefix):
            return max_depth - 1, max_depth
        name = param_name[len(prefix):]
        if name.startswith(('stem', 'tokens')):
            return 0, max_depth
        if name.startswith('stages.'):
            stage, block = map(int, name.split('.')[1:3])
            depth = sum(len(s) for s in self.stages[:stage]) + block + 1
            return depth, max_depth
        return max_depth - 1, max_depth

    def _freeze_stages(self) -> None:
        if self.frozen_stages < 0:
            return
        frozen = [self.stem, *self.stages[:self.frozen_stages]]
        for module in frozen:
            module.eval()
            for param in module.parameters():
                param.requires_grad = False
        if self.frozen_stages >= 1:  # stage 0 is the first to read them
            self.tokens.requires_grad = False

    def train(self, mode: bool = True):
        super().train(mode)
        self._freeze_stages()
        if mode and self.norm_eval:
            for m in self.modules():
                if isinstance(m, _BatchNorm):
                    m.eval()
        return self
