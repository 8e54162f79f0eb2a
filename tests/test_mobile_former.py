"""Mobile-Former backbone and its masked-pretraining subclasses."""
import pytest
import torch
from mmpretrain.registry import MODELS
from torch.nn.modules.batchnorm import _BatchNorm

from finola_mm.models.backbones.mobile_former import MobileFormer
from finola_mm.models.backbones.mobile_former_pretrain import (
    BlockMaskedMobileFormer, SimMIMMobileFormer)

ALL_STAGES = (0, 1, 2, 3)


def tiny(cls=MobileFormer, **kwargs):
    torch.manual_seed(0)
    return cls(arch='tiny', **{'out_indices': ALL_STAGES, **kwargs})


def quadrant_masks(n=2, grid=4):
    """(n, grid, grid) masks; sample i shows quadrant i (1 = masked)."""
    mask = torch.ones(n, grid, grid)
    half = grid // 2
    for i in range(n):
        r, c = divmod(i % 4, 2)
        mask[i, r * half:(r + 1) * half, c * half:(c + 1) * half] = 0
    return mask


@pytest.mark.parametrize('arch', list(MobileFormer.arch_zoo))
def test_every_arch_builds_with_stages_at_strides_4_to_32(arch):
    model = MobileFormer(arch, out_indices=ALL_STAGES)
    assert model.out_strides == [4, 8, 16, 32]
    assert len(model.out_channels) == 4
    assert model.tokens.shape == (1, model.num_tokens, model.token_dims)


@pytest.mark.parametrize('arch,size', [('tiny', (64, 64)), ('tiny', (32, 32)),
                                       ('tiny', (64, 96)), ('52m', (64, 64)),
                                       ('26m', (32, 32))])  # grouped 1x1s
def test_outputs_match_out_channels_and_out_strides(arch, size):
    model = MobileFormer(arch, out_indices=ALL_STAGES).eval()
    with torch.no_grad():
        outs = model(torch.randn(2, 3, *size))
    assert [tuple(o.shape) for o in outs] == [
        (2, c, size[0] // s, size[1] // s)
        for c, s in zip(model.out_channels, model.out_strides)]


def test_out_indices_keep_their_order_and_accept_negatives():
    model = tiny(out_indices=(-1, 1)).eval()
    full = tiny().out_channels
    assert model.out_channels == [full[3], full[1]]
    assert model.out_strides == [32, 8]
    with torch.no_grad():
        outs = model(torch.randn(1, 3, 32, 32))
    assert [o.shape[1] for o in outs] == model.out_channels


def published_head_params(c, d, f, classes=1000):
    """The paper's classifier head on top of the backbone.

    Final Mobile->Former (q, gate, proj, LN), 1x1 conv C -> 6C + BN,
    FC (6C + d) -> f + BN1d, FC f -> 1000. A plain 1280-d/1000-class FC
    (1.28M) would be far too small: these heads are 1920-d on 6C + d inputs.
    """
    bridge = 3 * c * d + 2 * c + 3 * d
    conv = 6 * c * c + 12 * c
    return bridge + conv + (6 * c + d + 3) * f + (f + 1) * classes


@pytest.mark.parametrize('arch,total,c,d,f',
                         [('508m', 14.0e6, 240, 192, 1920),
                          ('294m', 11.4e6, 192, 192, 1920)])
def test_param_count_matches_paper_minus_classifier_head(arch, total, c, d, f):
    # 508M: head 5.55M -> backbone 8.45M; 294M: head 4.84M -> 6.56M
    expected = total - published_head_params(c, d, f)
    params = sum(p.numel() for p in MobileFormer(arch).parameters())
    assert abs(params - expected) / expected < 0.25, (params, expected)


def test_bad_arch_and_out_indices_raise_clear_errors():
    with pytest.raises(ValueError, match=r"'508m'.*'tiny'"):
        MobileFormer('huge')
    with pytest.raises(ValueError, match='out of range'):
        MobileFormer('tiny', out_indices=(4, ))
    with pytest.raises(ValueError, match='out of range'):
        MobileFormer('tiny', out_indices=(-5, ))


def test_backward_reaches_every_parameter():
    model = tiny(drop_path_rate=0.1)
    model.init_weights()
    outs = model(torch.randn(2, 3, 32, 32))
    sum(o.square().mean() for o in outs).backward()
    no_grad = [n for n, p in model.named_parameters() if p.grad is None]
    assert no_grad == []


def test_frozen_stages_freeze_stem_tokens_and_stages():
    model = tiny(frozen_stages=2, norm_eval=False)
    model.train()
    frozen = [model.stem, *model.stages[:2]]
    for m in frozen:
        assert all(not p.requires_grad for p in m.parameters())
        assert all(not b.training for b in m.modules()
                   if isinstance(b, _BatchNorm))
    assert not model.tokens.requires_grad
    assert model.stages[2][0].conv1.bn.training
    before = {k: v.clone() for k, v in model.state_dict().items()}
    trainable = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.SGD(trainable, lr=0.1)
    outs = model(torch.randn(2, 3, 32, 32))
    sum(o.mean() for o in outs).backward()
    opt.step()
    after = model.state_dict()
    for k in before:
        if k.startswith(('stem.', 'stages.0.', 'stages.1.', 'tokens')):
            assert torch.equal(before[k], after[k]), k  # weights and stats
    assert not torch.equal(before['stages.2.0.conv4.conv.weight'],
                           after['stages.2.0.conv4.conv.weight'])


def test_norm_eval_keeps_every_bn_in_eval_mode():
    model = tiny(norm_eval=True).train()
    assert not any(m.training for m in model.modules()
                   if isinstance(m, _BatchNorm))


def test_simmim_replaces_masked_stem_positions_with_mask_token():
    model = tiny(SimMIMMobileFormer).eval()
    x = torch.randn(2, 3, 64, 64)
    mask = torch.zeros(2, 4, 4)
    mask[:, 1, 2] = 1  # stem map 32x32: cell (1, 2) = rows 8:16, cols 16:24
    with torch.no_grad():
        stem = model.stem(x)
        masked = model.mask_stem(stem, mask)
        token = model.mask_token.view(1, -1, 1).expand(2, -1, 64)
        assert torch.equal(masked[:, :, 8:16, 16:24].flatten(2), token)
        keep = torch.ones(32, 32, dtype=torch.bool)
        keep[8:16, 16:24] = False
        assert torch.equal(masked[..., keep], stem[..., keep])
        out_masked = model(x, mask)[-1]
        out_plain = model(x)[-1]
    assert not torch.allclose(out_masked, out_plain)
    plain = MobileFormer('tiny', out_indices=ALL_STAGES).eval()
    plain.load_state_dict(model.state_dict(), strict=False)
    with torch.no_grad():
        assert torch.equal(plain(x)[-1], out_plain)  # mask=None is plain


def test_simmim_mask_token_gets_gradient():
    model = tiny(SimMIMMobileFormer)
    mask = (torch.rand(2, 8, 8) > 0.5).float()
    model(torch.randn(2, 3, 32, 32), mask)[-1].square().mean().backward()
    assert model.mask_token.grad is not None
    assert model.mask_token.grad.abs().sum() > 0


def test_simmim_mask_grid_that_does_not_divide_stem_raises():
    model = tiny(SimMIMMobileFormer)
    with pytest.raises(ValueError, match=r'5x5.*16x16.*model_patch_size'):
        model(torch.randn(1, 3, 32, 32), torch.zeros(1, 5, 5))


def test_block_masked_gradient_is_zero_on_masked_pixels():
    model = tiny(BlockMaskedMobileFormer)
    x = torch.randn(2, 3, 64, 64, requires_grad=True)
    mask = quadrant_masks(2)  # per-sample quadrants: top-left, top-right
    outs = model(x, mask)
    assert outs[-1].shape == (2, model.out_channels[-1], 1, 1)
    sum(o.sum() for o in outs).backward()
    pixel_mask = mask.repeat_interleave(16, 1).repeat_interleave(16, 2)
    grad = x.grad.abs().sum(1)  # (N, H, W)
    assert torch.all(grad[pixel_mask.bool()] == 0)
    assert (grad[~pixel_mask.bool()] > 0).float().mean() > 0.9


def test_block_masked_encodes_exactly_the_visible_crop():
    model = tiny(BlockMaskedMobileFormer).eval()
    x = torch.randn(2, 3, 64, 64)
    mask = torch.ones(2, 4, 4)
    mask[:, 2:, :2] = 0  # bottom-left quadrant for both samples
    with torch.no_grad():
        for a, b in zip(model(x, mask), model(x[:, :, 32:, :32])):
            assert torch.equal(a, b)


@pytest.mark.parametrize('visible', [
    [(0, 0), (0, 1), (1, 0)],          # L-shape
    [(0, 0), (2, 0)],                  # two separate cells
    [],                                # nothing visible
])
def test_block_masked_rejects_masks_that_are_not_one_rectangle(visible):
    mask = torch.ones(1, 4, 4)
    for r, c in visible:
        mask[0, r, c] = 0
    with pytest.raises(ValueError, match='one non-empty axis-aligned'):
        tiny(BlockMaskedMobileFormer)(torch.randn(1, 3, 64, 64), mask)


def test_block_masked_rejects_rectangles_of_different_sizes():
    mask = torch.ones(2, 4, 4)
    mask[0, :2, :2] = 0
    mask[1, :2, :] = 0
    with pytest.raises(ValueError, match='same size'):
        tiny(BlockMaskedMobileFormer)(torch.randn(2, 3, 64, 64), mask)


@pytest.mark.parametrize('cls', [SimMIMMobileFormer, BlockMaskedMobileFormer])
def test_pretrain_weights_load_into_plain_mobile_former(cls, tmp_path):
    pretrained = MODELS.build(dict(type=cls.__name__, arch='tiny'))
    state = pretrained.state_dict()
    result = MobileFormer('tiny').load_state_dict(state, strict=False)
    assert result.missing_keys == []
    # as a detector or classifier would: prefix 'backbone.' in a checkpoint
    path = str(tmp_path / 'pretrain.pth')
    torch.save({'state_dict': {f'backbone.{k}': v for k, v in state.items()}},
               path)
    plain = MobileFormer('tiny', init_cfg=dict(
        type='Pretrained', checkpoint=path, prefix='backbone.'))
    plain.init_weights()
    for k, v in plain.state_dict().items():
        assert torch.equal(v, state[k]), k
