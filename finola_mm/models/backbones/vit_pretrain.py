"""ViT backbones for masked pretraining; weights load into the plain ViT.

Each subclasses MMPretrain's :class:`VisionTransformer` the way
``SimMIMSwinTransformer`` subclasses Swin, so a pretraining checkpoint loads
into ``VisionTransformer`` with ``prefix='backbone.'`` and no missing keys.
``mask`` is (N, h, w) on the patch grid, 1 = masked (``PackInputs`` packs
it into each data sample, as for SimMIM); ``mask=None`` is the plain
forward.
"""
from typing import Optional, Tuple

import torch
from mmengine.model.weight_init import trunc_normal_
from torch import Tensor, nn

from mmpretrain.models import MAEViT, VisionTransformer
from mmpretrain.models.utils import (build_2d_sincos_position_embedding,
                                     resize_pos_embed)
from mmpretrain.registry import MODELS
from ..utils.masks import (VisibleBox, check_mask_grid, visible_box,
                           visible_indices)


class _MaskedViTMixin:
    """Runs the transformer layers on given tokens (pos already added).

    ``mae_init=True`` initialises the encoder as MMPretrain's ``MAEViT`` and
    MAE's config do: a fixed 2-D sin-cos position table, Xavier-uniform
    patch embedding and Linear layers, LayerNorm (1, 0). The masked
    pretraining ViT configs turn it on, so every method starts from MAE's
    encoder; off, it is the plain ViT's start (learned positions from 0.02
    noise). docs/evaluation.md measures both.
    """

    def __init__(self, *args, mae_init: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.mae_init = mae_init
        if mae_init:
            if self.patch_resolution[0] != self.patch_resolution[1]:
                raise ValueError(
                    f'mae_init=True builds a square sin-cos position table, '
                    f'but the patch grid is {self.patch_resolution}: use a '
                    f'square img_size or mae_init=False.')
            self.pos_embed.requires_grad = False   # as MAEViT's

    @property
    def _loads_pretrained(self) -> bool:
        return (isinstance(self.init_cfg, dict)
                and self.init_cfg.get('type') == 'Pretrained')

    def init_weights(self) -> None:
        super().init_weights()
        if self.mae_init and not self._loads_pretrained:
            self._init_like_mae()

    def _init_like_mae(self) -> None:
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.LayerNorm):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        pos = build_2d_sincos_position_embedding(
            self.patch_resolution[0], self.embed_dims,
            cls_token=self.num_extra_tokens > 0)
        self.pos_embed.data.copy_(pos.float())
        w = self.patch_embed.projection.weight.data
        nn.init.xavier_uniform_(w.view(w.shape[0], -1))
        if self.cls_token is not None:
            nn.init.normal_(self.cls_token, std=.02)

    def _embed_patches(self, x: Tensor, mask: Tensor) -> tuple:
        """x (N, 3, H, W) -> patch tokens with their positions added
        (N, L, D), the full position table (1, extra + L, D), and (h, w)."""
        tokens, hw = self.patch_embed(x)
        check_mask_grid(mask, hw, self.patch_embed.projection.kernel_size,
                        type(self).__name__)
        pos = resize_pos_embed(self.pos_embed, self.patch_resolution, hw,
                               mode=self.interpolate_mode,
                               num_extra_tokens=self.num_extra_tokens)
        return tokens + pos[:, self.num_extra_tokens:], pos, hw

    def _add_cls_token(self, tokens: Tensor, pos: Tensor) -> Tensor:
        if self.cls_token is None:
            return tokens
        cls = self.cls_token.expand(tokens.shape[0], -1, -1) + pos[:, :1]
        return torch.cat([cls, tokens], dim=1)

    def _run_layers(self, x: Tensor) -> list:
        """x (N, extra + L, D) -> [(N, extra + L, D)] per out_indices."""
        x = self.pre_norm(self.drop_after_pos(x))
        outs = []
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i == len(self.layers) - 1 and self.final_norm:
                x = self.ln1(x)
            if i in self.out_indices:
                outs.append(x)
        return outs


@MODELS.register_module()
class SimMIMViT(_MaskedViTMixin, VisionTransformer):
    """ViT for SimMIM and element-wise Masked FINOLA on CNN-like terms:
    masked patch embeddings are replaced by a learned ``mask_token`` and the
    encoder sees all tokens. Args are :class:`VisionTransformer`'s.

    Returns (for a mask): the ``out_type`` outputs, e.g. featmaps
    (N, D, h, w), one per ``out_indices``.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, self.embed_dims))

    def init_weights(self) -> None:
        super().init_weights()
        if not self._loads_pretrained:
            trunc_normal_(self.mask_token, std=.02)

    def forward(self, x: Tensor, mask: Optional[Tensor] = None) -> tuple:
        if mask is None:
            return super().forward(x)
        tokens, hw = self.patch_embed(x)                  # (N, L, D)
        check_mask_grid(mask, hw, self.patch_embed.projection.kernel_size,
                        type(self).__name__)
        w = mask.flatten(1).unsqueeze(-1).type_as(tokens)
        tokens = tokens * (1. - w) + self.mask_token * w  # before positions
        pos = resize_pos_embed(self.pos_embed, self.patch_resolution, hw,
                               mode=self.interpolate_mode,
                               num_extra_tokens=self.num_extra_tokens)
        tokens = tokens + pos[:, self.num_extra_tokens:]
        outs = self._run_layers(self._add_cls_token(tokens, pos))
        return tuple(self._format_output(o, hw) for o in outs)


@MODELS.register_module()
class VisibleTokenViT(_MaskedViTMixin, VisionTransformer):
    """ViT that encodes only the visible patches (MAE's encoder), with the
    mask from the data pipeline. Used by element-wise Masked FINOLA: the
    attention pool reads the visible tokens, so a 75% mask costs a quarter
    of the encoder. Args are :class:`VisionTransformer`'s.

    Returns (for a mask): visible tokens (N, L_vis, D) per ``out_indices``,
    raster order, class token dropped; each carries its position embedding.
    """

    def forward(self, x: Tensor, mask: Optional[Tensor] = None,
                box: Optional[VisibleBox] = None) -> tuple:
        """``box``: the mask's visible rectangle when it has one (block-wise),
        computed once by the algorithm; then the ids need no sort."""
        if mask is None:
            return super().forward(x)
        tokens, pos, hw = self._embed_patches(x, mask)   # (N, L, D)
        keep = (visible_indices(mask) if box is None else
                box.token_ids(hw[1]))                     # (N, L_vis)
        tokens = torch.gather(
            tokens, 1, keep.unsqueeze(-1).expand(-1, -1, tokens.shape[-1]))
        outs = self._run_layers(self._add_cls_token(tokens, pos))
        return tuple(o[:, self.num_extra_tokens:] for o in outs)


@MODELS.register_module()
class BlockMaskedViT(VisibleTokenViT):
    """ViT for block-wise Masked FINOLA: encodes only the visible block.

    The visible patches must form one rectangle (a quadrant). Returns (for a
    mask) the block's featmaps (N, D, h_vis, w_vis) per ``out_indices``; the
    encoder never sees a masked pixel.
    """

    def forward(self, x: Tensor, mask: Optional[Tensor] = None,
                box: Optional[VisibleBox] = None) -> tuple:
        """``box``: :func:`visible_box` of the mask, if the caller has it."""
        if mask is None:
            return super().forward(x)
        box = visible_box(mask) if box is None else box
        return tuple(
            t.transpose(1, 2).reshape(t.shape[0], t.shape[2], box.height,
                                      box.width)
            for t in super().forward(x, mask, box))



@MODELS.register_module()
class MAEViTStart(MAEViT):
    """MMPretrain's ``MAEViT`` (MAE's encoder, unchanged) with its start as
    the same config field the other methods' backbones have.

    ``mae_init=True`` (default) is ``MAEViT``'s own start, under the MAE
    model's Xavier/LayerNorm ``init_cfg``. ``mae_init=False`` is the plain
    ViT's, as ``VisibleTokenViT(mae_init=False)`` starts: PyTorch's default
    Linear and LayerNorm weights, then ``VisionTransformer.init_weights``
    (learned positions from 0.02 noise, trained).
    """

    def __init__(self, *args, mae_init: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.mae_init = mae_init
        self.pos_embed.requires_grad = not mae_init

    def init_weights(self) -> None:
        if self.mae_init:
            return super().init_weights()
        loads = isinstance(self.init_cfg, dict) and \
            self.init_cfg.get('type') == 'Pretrained'
        if not loads:  # undo the MAE model's init_cfg, applied before
            for m in self.modules():
                if isinstance(m, (nn.Linear, nn.LayerNorm)):
                    m.reset_parameters()
        VisionTransformer.init_weights(self)
