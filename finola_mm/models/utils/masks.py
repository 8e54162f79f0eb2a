"""Patch masks (N, h, w), 1 = masked, as the pipeline packs them: reading
them, checking them, and their geometry."""
from typing import List, Tuple

import torch
from torch import Tensor


def stack_masks(data_samples: List, name: str) -> Tensor:
    """The ``mask`` field of each data sample -> (N, h, w)."""
    if not data_samples or 'mask' not in data_samples[0]:
        raise ValueError(
            f'{name} needs a patch mask per image, but the data samples have '
            f'none. Add a mask generator (PatchMaskGenerator or '
            f'QuadrantMaskGenerator) before PackInputs in the pipeline.')
    return torch.stack([s.mask for s in data_samples])


def upsample_mask(mask: Tensor, size) -> Tensor:
    """mask (N, h, w) on a patch grid -> (N, 1, H, W) pixel mask."""
    if mask.dim() == 4:
        return mask
    N, h, w = mask.shape
    H, W = size
    if H % h or W % w:
        raise ValueError(f'A {h}x{w} mask grid does not divide the {H}x{W} '
                         f'image; set the mask generator\'s input_size and '
                         f'model_patch_size so the grid divides it.')
    return (mask.repeat_interleave(H // h, 1).repeat_interleave(W // w, 2)
            .unsqueeze(1).float())


def check_mask_grid(mask: Tensor, patch_resolution: Tuple[int, int],
                    patch_size, name: str) -> None:
    if tuple(mask.shape[-2:]) != tuple(patch_resolution):
        raise ValueError(
            f'{name}: the mask grid is {tuple(mask.shape[-2:])} but the image'
            f' has {tuple(patch_resolution)} patches of {patch_size} px. Set '
            f'the mask generator\'s model_patch_size to the backbone\'s '
            f'patch_size and its input_size to the image size.')


def visible_indices(mask: Tensor) -> Tensor:
    """(N, L_vis) ids of the visible patches, raster order.

    Every sample must show the same number of patches.
    """
    flat = mask.flatten(1)
    num_visible = (flat == 0).sum(1)
    if (num_visible != num_visible[0]).any():
        raise ValueError(
            f'Masks show different numbers of patches per image '
            f'({num_visible.tolist()}); a mask generator must keep the count '
            f'fixed so the visible tokens stack into one batch.')
    order = torch.argsort(flat.int(), dim=1, stable=True)   # visible first
    return order[:, :int(num_visible[0])]


def visible_box(mask: Tensor) -> Tuple[Tensor, Tensor, int, int]:
    """The visible (0) rectangle of each mask (N, h, w), in cells.

    Returns top (N,), left (N,), height, width; every sample's visible cells
    must form one axis-aligned rectangle, of one size for all.
    """
    vis = mask == 0
    rows, cols = vis.any(2), vis.any(1)                   # (N, h), (N, w)
    top, left = rows.int().argmax(1), cols.int().argmax(1)
    height, width = rows.sum(1), cols.sum(1)
    r = torch.arange(vis.shape[1], device=mask.device)[None]
    c = torch.arange(vis.shape[2], device=mask.device)[None]
    in_r = (r >= top[:, None]) & (r < (top + height)[:, None])
    in_c = (c >= left[:, None]) & (c < (left + width)[:, None])
    if (not torch.equal(in_r[:, :, None] & in_c[:, None, :], vis)
            or (height == 0).any() or (height != height[0]).any()
            or (width != width[0]).any()):
        raise ValueError(
            'Block-wise masking needs the visible (0) cells of each mask to '
            'form one non-empty axis-aligned rectangle, of the same size in '
            f'every sample; got visible heights {height.tolist()} and widths '
            f'{width.tolist()} (or a visible set that is not a rectangle). '
            f'Use QuadrantMaskGenerator in the pipeline.')
    return top, left, int(height[0]), int(width[0])


def visible_block_shape(mask: Tensor) -> Tuple[int, int]:
    """(h_vis, w_vis) of the visible rectangle, the same in every mask."""
    return visible_box(mask)[2:]


def visible_quadrant(mask: Tensor) -> Tensor:
    """(N, 2) (row, col) in {0, 1} of each mask's visible quadrant."""
    N, h, w = mask.shape
    if visible_block_shape(mask) != (h // 2, w // 2) or h % 2 or w % 2:
        raise ValueError(
            f'Block-wise Masked FINOLA needs exactly one visible quadrant of '
            f'an even mask grid; got a {h}x{w} grid whose visible block is '
            f'{visible_block_shape(mask)}. Use QuadrantMaskGenerator.')
    visible = (mask == 0).float()
    rows = (visible.sum(2) * torch.arange(h, device=mask.device)).sum(1)
    cols = (visible.sum(1) * torch.arange(w, device=mask.device)).sum(1)
    centre = torch.stack([rows / (h * w / 4), cols / (h * w / 4)], dim=1)
    return (centre >= torch.tensor([h / 2 - .5, w / 2 - .5],
                                   device=mask.device)).long()
