"""Patch masks (N, h, w), 1 = masked, as the pipeline packs them: reading
them, checking them, and their geometry."""
from typing import List, NamedTuple, Tuple

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


class VisibleBox(NamedTuple):
    """The visible (0) rectangle of each mask (N, h, w), in cells.

    Computed once a step from the mask (:func:`visible_box`, one host sync)
    and passed to the backbone and the neck, which would otherwise each
    recover it from the mask again.
    """
    top: Tensor        # (N,)
    left: Tensor       # (N,)
    height: int
    width: int

    def token_ids(self, grid_width: int) -> Tensor:
        """(N, height*width) raster ids of the visible cells, raster order."""
        r = torch.arange(self.height, device=self.top.device)
        c = torch.arange(self.width, device=self.top.device)
        rows = (self.top[:, None] + r)[:, :, None]        # (N, h_vis, 1)
        cols = (self.left[:, None] + c)[:, None, :]       # (N, 1, w_vis)
        return (rows * grid_width + cols).flatten(1)

    def quadrants(self, grid: Tuple[int, int]) -> Tensor:
        """(N, 2) (row, col) in {0, 1} of each visible quadrant."""
        h, w = grid
        if (h % 2 or w % 2 or (self.height, self.width) != (h // 2, w // 2)
                or (self.top % self.height).any()
                or (self.left % self.width).any()):
            raise ValueError(
                f'Block-wise Masked FINOLA needs exactly one visible quadrant '
                f'of an even mask grid; got a {h}x{w} grid whose visible '
                f'block is {self.height}x{self.width} at rows '
                f'{self.top.tolist()}, columns {self.left.tolist()}. Use '
                f'QuadrantMaskGenerator.')
        return torch.stack([self.top // self.height,
                            self.left // self.width], dim=1)


def visible_box(mask: Tensor) -> VisibleBox:
    """The visible (0) rectangle of each mask (N, h, w), in cells.

    Every sample's visible cells must form one axis-aligned rectangle, of
    one size for all.
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
    return VisibleBox(top, left, int(height[0]), int(width[0]))
