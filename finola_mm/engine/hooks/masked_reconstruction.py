"""One reconstruction API over Masked FINOLA, MAE and SimMIM (for pictures)."""
from typing import List, Tuple

import torch
from torch import Tensor

from mmpretrain.models.selfsup import MAE, SimMIM
from finola_mm.models.utils.masks import stack_masks, upsample_mask


def _mae(model: MAE, inputs: Tensor) -> Tuple[Tensor, Tensor]:
    latent, mask, ids_restore = model.backbone(inputs)   # mask (N, L)
    pred = model.neck(latent, ids_restore)               # (N, L, p*p*3)
    head = model.head
    if head.norm_pix:                                    # undo, as MAE's demo
        target = head.patchify(inputs)
        mean = target.mean(dim=-1, keepdim=True)
        std = (target.var(dim=-1, keepdim=True) + 1.e-6)**.5
        pred = pred * std + mean
    side = int(mask.shape[1]**.5)
    mask = mask.reshape(-1, side, side)
    return head.unpatchify(pred), upsample_mask(mask, inputs.shape[-2:])


def _simmim(model: SimMIM, inputs: Tensor,
            data_samples: List) -> Tuple[Tensor, Tensor]:
    mask = stack_masks(data_samples, 'SimMIM')
    pred = model.neck(model.backbone(inputs, mask)[0])
    return pred, upsample_mask(mask, inputs.shape[-2:])


@torch.no_grad()
def masked_reconstruction(model, inputs: Tensor,
                          data_samples: List) -> Tuple[Tensor, Tensor]:
    """-> prediction (N, 3, H, W) in the inputs' normalisation and pixel
    mask (N, 1, H, W), 1 = masked, for MaskedFINOLA, MAE or SimMIM."""
    if isinstance(model, MAE):
        return _mae(model, inputs)
    if isinstance(model, SimMIM):
        return _simmim(model, inputs, data_samples)
    if hasattr(model, 'reconstruct'):
        return model.reconstruct(inputs, data_samples)
    raise TypeError(f'No masked reconstruction for {type(model).__name__}; '
                    f'it must be MAE, SimMIM or define reconstruct().')


@torch.no_grad()
def reconstruction_panels(model, data: dict) -> dict:
    """A packed batch -> pictures (N, 3, H, W) in 0-255: ``input``,
    ``masked`` (masked pixels grey), ``prediction``, ``pasted`` (visible
    pixels kept, the prediction in the masked ones, as in MAE's figures) and
    ``mask`` (white = masked).

    Works for MAE, SimMIM and Masked FINOLA (their masks), and for a FINOLA
    or plain autoencoder (it predicts every pixel: the mask is all white).
    """
    from finola_mm.models.utils.pixels import to_pixels
    data = model.data_preprocessor(data, False)
    inputs, samples = data['inputs'], data['data_samples']
    if hasattr(model, 'reconstruct') or isinstance(model, (MAE, SimMIM)):
        pred, mask = masked_reconstruction(model, inputs, samples)
    else:                                         # an autoencoder
        pred = model.neck(model.backbone(inputs))
        mask = torch.ones_like(inputs[:, :1])
    original = to_pixels(model.data_preprocessor, inputs)
    pred = to_pixels(model.data_preprocessor, pred)
    return dict(input=original,
                masked=original * (1 - mask) + 127.5 * mask,
                prediction=pred,
                pasted=original * (1 - mask) + pred * mask,
                mask=(255. * mask).expand_as(original))
