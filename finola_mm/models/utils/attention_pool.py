"""Attention pooling: a feature map to one vector q."""
import math
from typing import Optional

import torch
from torch import Tensor, nn

from mmpretrain.models.utils import build_2d_sincos_position_embedding


class AttentionPool(nn.Module):
    """Pool (N, D, h, w) features or (N, L, D) tokens to (N, out_channels).

    K queries attend over the tokens; their K outputs (K*D values) are
    concatenated and projected to ``out_channels``. One query would make q a
    linear image of a D-dim vector, so C > D could carry no more information:
    by default K = ceil(out_channels / D), so q can use all its channels.
    Tokens get a fixed 2-D sin-cos position embedding first, so the pooled
    vector can say *where* content is.

    Args:
        in_channels (int): D, the feature channels; must be divisible by 4
            (sin-cos embedding) and by ``num_heads``.
        out_channels (int): size of q, M*C.
        num_heads (int): attention heads. Defaults to 8.
        num_queries (int, optional): K. Defaults to ceil(out_channels / D).
    """

    def __init__(self, in_channels: int, out_channels: int,
                 num_heads: int = 8,
                 num_queries: Optional[int] = None) -> None:
        super().__init__()
        if in_channels % 4 or in_channels % num_heads:
            raise ValueError(
                f'AttentionPool in_channels={in_channels} must be divisible '
                f'by 4 and by num_heads={num_heads}; pick an encoder width '
                f'or num_heads that divides it.')
        self.in_channels = in_channels
        self.num_queries = num_queries or math.ceil(out_channels /
                                                    in_channels)
        self.query = nn.Parameter(torch.zeros(1, self.num_queries,
                                              in_channels))
        self.norm = nn.LayerNorm(in_channels)
        self.attn = nn.MultiheadAttention(in_channels, num_heads,
                                          batch_first=True)
        self.proj = nn.Linear(self.num_queries * in_channels, out_channels)
        nn.init.normal_(self.query, std=0.02)

    def forward(self, feat: Tensor) -> Tensor:
        """feat (N, D, h, w) map, or (N, L, D) tokens -> q (N, out_channels).

        Tokens (e.g. a ViT's visible tokens) must carry their own position
        embedding; a map gets the fixed sin-cos one here.
        """
        if feat.dim() == 3 and feat.shape[2] == self.in_channels:
            tokens = self.norm(feat)
        elif feat.dim() == 4 and feat.shape[1] == self.in_channels:
            N, D, h, w = feat.shape
            pos = build_2d_sincos_position_embedding((h, w), D)
            tokens = (self.norm(feat.flatten(2).transpose(1, 2)) +
                      pos.to(feat))
        else:
            raise ValueError(
                f'AttentionPool expects (N, {self.in_channels}, h, w) '
                f'features or (N, L, {self.in_channels}) tokens, got '
                f'{tuple(feat.shape)}; set the neck\'s in_channels to the '
                f'backbone\'s output channels and make the backbone output a '
                f'feature map (ViT: out_type="featmap").')
        query = self.query.expand(feat.shape[0], -1, -1)
        pooled, _ = self.attn(query, tokens, tokens,
                              need_weights=False)         # (N, K, D)
        return self.proj(pooled.flatten(1))               # (N, out)
