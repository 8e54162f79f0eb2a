"""Flatten + Linear: a feature map to one vector q."""
from typing import Sequence, Union

from torch import Tensor, nn


class LinearPool(nn.Module):
    """Pool (N, D, h, w) features to (N, out_channels) by flattening them
    and one Linear layer: every position keeps its own weights, so q can
    say what is where (the plain autoencoder's bottleneck).

    Args:
        in_channels (int): D.
        out_channels (int): size of q, M*C.
        feat_size (int | tuple): (h, w) of the features.
    """

    def __init__(self, in_channels: int, out_channels: int,
                 feat_size: Union[int, Sequence[int]]) -> None:
        super().__init__()
        h, w = (feat_size, feat_size) if isinstance(feat_size, int) \
            else tuple(feat_size)
        self.in_shape = (in_channels, h, w)
        self.fc = nn.Linear(in_channels * h * w, out_channels)

    def forward(self, feat: Tensor) -> Tensor:
        """feat (N, D, h, w) -> q (N, out_channels)."""
        if tuple(feat.shape[1:]) != self.in_shape:
            raise ValueError(
                f'LinearPool expects features of shape (N, '
                f'{", ".join(map(str, self.in_shape))}), got '
                f'{tuple(feat.shape)}; set the neck\'s in_channels and '
                f'feat_size to the backbone\'s output (or use '
                f'pool="attention", which takes any size).')
        return self.fc(feat.flatten(1))
