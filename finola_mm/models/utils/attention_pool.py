"""Attention pooling: a feature map or token sequence to one vector q."""
import torch
from torch import Tensor, nn

from mmpretrain.models.utils import build_2d_sincos_position_embedding


class AttentionPool(nn.Module):
    """Pool (N, D, h, w) features to (N, out_channels) with one learned query.

    Tokens get a fixed 2-D sin-cos position embedding first, so the pooled
    vector can say *where* content is (the encoders' features may not).

    Args:
        in_channels (int): D, the feature channels; must be divisible by 4
            (sin-cos embedding) and by ``num_heads``.
        out_channels (int): size of q, M*C.
        num_heads (int): attention heads. Defaults to 8.
    """

    def __init__(self, in_channels: int, out_channels: int,
                 num_heads: int = 8) -> None:
        super().__init__()
        if in_channels % 4 or in_channels % num_heads:
            raise ValueError(
                f'AttentionPool in_channels={in_channels} must be divisible '
                f'by 4 and by num_heads={num_heads}; pick an encoder width '
                f'or num_heads that divides it.')
        self.in_channels = in_channels
        self.query = nn.Parameter(torch.zeros(1, 1, in_channels))
        self.norm = nn.LayerNorm(in_channels)
        self.attn = nn.MultiheadAttention(in_channels, num_heads,
                                          batch_first=True)
        self.proj = nn.Linear(in_channels, out_channels)
        nn.init.normal_(self.query, std=0.02)

    def forward(self, feat: Tensor) -> Tensor:
        """feat (N, D, h, w) -> q (N, out_channels)."""
        if feat.dim() != 4 or feat.shape[1] != self.in_channels:
            raise ValueError(
                f'AttentionPool expects (N, {self.in_channels}, h, w) '
                f'features, got {tuple(feat.shape)}; set the neck\'s '
                f'in_channels to the backbone\'s output channels and make '
                f'the backbone output a feature map (ViT: '
                f'out_type="featmap").')
        N, D, h, w = feat.shape
        pos = build_2d_sincos_position_embedding((h, w), D)
        tokens = self.norm(feat.flatten(2).transpose(1, 2)) + pos.to(feat)
        q, _ = self.attn(self.query.expand(N, -1, -1), tokens, tokens,
                         need_weights=False)              # (N, 1, D)
        return self.proj(q[:, 0])                         # (N, out)
