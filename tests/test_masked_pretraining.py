"""Masked pretraining: Masked FINOLA (element- and block-wise), MAE, SimMIM.

Every 32 px Fashion-MNIST config overfits one batch; masks have the
configured shape and count; block-wise Masked FINOLA never looks at a masked
pixel; pretraining checkpoints load into the plain backbones; a run resumes
where it stopped and draws its masked-reconstruction picture.
"""
import os
import os.path as osp

import mmcv
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import default_collate
from mmengine.hooks import Hook
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from conftest import FMNIST_ROOT, ROOT
from tools.device.finola_reference import reference_complete
from finola_mm.datasets.transforms.masking import (PatchMaskGenerator,
                                                   QuadrantMaskGenerator)
from finola_mm.finola import complete_quadrants
from finola_mm.models.backbones.mobile_former import MobileFormer
from finola_mm.models.utils.masks import upsample_mask
from finola_mm.models.necks.block_finola_neck import BlockFINOLANeck
from finola_mm.utils import build_model as build_runner_model
from mmpretrain.datasets.transforms import PackInputs
from mmpretrain.models import VisionTransformer
from mmpretrain.registry import DATASETS, MODELS
from mmpretrain.structures import DataSample


def config(method, encoder='vit-tiny-p4'):
    return osp.join(ROOT, 'configs', 'masked_pretrain',
                    f'{method}_{encoder}_1xb64-1k_fmnist-32px.py')


VIT_METHODS = ('masked-finola-e', 'masked-finola-b', 'mae', 'simmim')
MF_METHODS = ('masked-finola-e', 'masked-finola-b', 'simmim')
CONFIGS = ([config(m) for m in VIT_METHODS]
           + [config(m, 'mobile-former-tiny') for m in MF_METHODS])
BLOCK_CONFIGS = [config('masked-finola-b'),
                 config('masked-finola-b', 'mobile-former-tiny')]


def config_id(path):
    return osp.basename(path).split('_1xb')[0]


def build_model(cfg_path, seed=0):
    """The config's model, initialised as the runner would; and the config."""
    cfg = Config.fromfile(cfg_path)
    init_default_scope('mmpretrain')
    torch.manual_seed(seed)
    model = build_runner_model(cfg)
    model.init_weights()
    return model, cfg


def fixed_batch(model, cfg, n=4):
    """n Fashion-MNIST training images through the config's own pipeline
    (its masks drawn once), preprocessed: {'inputs', 'data_samples'}."""
    np.random.seed(0)
    dataset = DATASETS.build(dict(cfg.train_dataloader.dataset,
                                  data_root=FMNIST_ROOT, indices=n))
    batch = default_collate([dataset[i] for i in range(n)])
    return model.data_preprocessor(batch, True)


def quadrant_masks(quadrants=((1, 0), (0, 0), (1, 1), (0, 1)), grid=8):
    """(N, grid, grid) masks, 1 = masked; sample i shows quadrants[i]."""
    half = grid // 2
    masks = torch.ones(len(quadrants), grid, grid, dtype=torch.long)
    for mask, (r, c) in zip(masks, quadrants):
        mask[r * half:(r + 1) * half, c * half:(c + 1) * half] = 0
    return masks


def image(size=32):
    return dict(img=np.zeros((size, size, 3), dtype=np.uint8))


# -- every method learns ----------------------------------------------------

@pytest.mark.parametrize('cfg_path', CONFIGS, ids=config_id)
def test_each_method_overfits_a_fixed_batch(cfg_path):
    model, cfg = build_model(cfg_path)
    data = fixed_batch(model, cfg)
    optim = build_optim_wrapper(
        model, dict(optimizer=dict(type='AdamW', lr=1e-3)))
    losses = []
    for _ in range(40):
        torch.manual_seed(0)  # MAE draws its masks inside the backbone
        loss = model.loss(data['inputs'], data['data_samples'])['loss']
        optim.update_params(loss)
        losses.append(loss.item())
    assert np.isfinite(losses).all(), losses
    # measured last/first: 0.32 (block-wise Masked FINOLA, ViT) to 0.75
    # (block-wise on Mobile-Former: a 16 px quadrant gives a 1x1 stride-32
    # map, so every visible latent starts equal and it learns slowest)
    assert np.mean(losses[-5:]) < 0.85 * np.mean(losses[:3]), losses


# -- masks ------------------------------------------------------------------

@pytest.mark.parametrize('input_size,mask_patch,model_patch,ratio', [
    (32, 4, 4, 0.75), (32, 8, 4, 0.6), (32, 16, 4, 0.3), (32, 8, 2, 0.5),
    (224, 32, 16, 0.6), (224, 16, 16, 0.75)])
def test_patch_mask_covers_ceil_ratio_blocks_on_the_model_grid(
        input_size, mask_patch, model_patch, ratio):
    np.random.seed(0)
    gen = PatchMaskGenerator(input_size, mask_patch, model_patch, ratio)
    blocks, scale = input_size // mask_patch, mask_patch // model_patch
    for _ in range(5):
        mask = gen(image(input_size))['mask']
        assert mask.shape == (blocks * scale, blocks * scale)
        assert set(np.unique(mask)) <= {0, 1}
        # constant inside each mask block, and ceil(ratio * blocks²) of them
        cells = mask.reshape(blocks, scale, blocks, scale)
        assert (cells == cells[:, :1, :, :1]).all()
        assert cells[:, 0, :, 0].sum() == int(np.ceil(ratio * blocks**2))


def test_pack_inputs_carries_the_mask_as_a_tensor():
    results = PatchMaskGenerator(32, 8, 4, 0.6)(image())
    sample = PackInputs()(results)['data_samples']
    assert isinstance(sample.mask, torch.Tensor)
    assert torch.equal(sample.mask, torch.from_numpy(results['mask']))


@pytest.mark.parametrize('quadrant,visible', [
    ('top_left', (slice(0, 4), slice(0, 4))),
    ('top_right', (slice(0, 4), slice(4, 8))),
    ('bottom_left', (slice(4, 8), slice(0, 4))),
    ('bottom_right', (slice(4, 8), slice(4, 8)))])
def test_quadrant_mask_leaves_exactly_the_named_quadrant_visible(quadrant,
                                                                 visible):
    mask = QuadrantMaskGenerator(32, 4, quadrant)(image())['mask']
    expected = np.ones((8, 8), dtype=int)
    expected[visible] = 0
    assert np.array_equal(mask, expected)


def test_random_quadrant_mask_shows_one_quadrant_and_reaches_all_four():
    np.random.seed(0)
    gen = QuadrantMaskGenerator(64, 4, 'random')   # 16x16 grid
    seen = set()
    for _ in range(100):
        mask = torch.from_numpy(gen(image(64))['mask'])
        visible = (mask == 0).nonzero()
        assert len(visible) == 8 * 8
        corner = tuple((visible.min(0).values // 8).tolist())
        assert (mask[corner[0] * 8:corner[0] * 8 + 8,
                     corner[1] * 8:corner[1] * 8 + 8] == 0).all()
        seen.add(corner)
    assert seen == {(0, 0), (0, 1), (1, 0), (1, 1)}


# -- errors name the problem and the fix --------------------------------------

@pytest.mark.parametrize('ratio', [0, 1, 1.2, -0.1])
def test_mask_ratio_outside_0_1_is_a_clear_error(ratio):
    with pytest.raises(ValueError, match=rf'mask_ratio must lie in \(0, 1\), '
                       rf'got {ratio}; e\.g\. 0\.6'):
        PatchMaskGenerator(mask_ratio=ratio)


def test_mask_patch_that_does_not_tile_the_image_is_a_clear_error():
    with pytest.raises(ValueError, match=r'mask_patch_size=12 does not divide'
                       r' input_size=32.*Pick a divisor of 32'):
        PatchMaskGenerator(input_size=32, mask_patch_size=12,
                           model_patch_size=4)


@pytest.mark.parametrize('gen', [PatchMaskGenerator(32, 8, 4, 0.6),
                                 QuadrantMaskGenerator(32, 4)],
                         ids=lambda g: type(g).__name__)
def test_image_of_another_size_than_the_mask_generator_is_a_clear_error(gen):
    with pytest.raises(ValueError, match=r'built for 32x32 images but got '
                       r'28x28.*Resize the images to 32'):
        gen(image(28))


def test_odd_quadrant_grid_is_a_clear_error():
    with pytest.raises(ValueError, match=r'7x7 patch grid is odd.*'
                       r'input_size=32'):
        QuadrantMaskGenerator(input_size=28, model_patch_size=4)


def test_odd_block_latent_size_is_a_clear_error():
    with pytest.raises(ValueError, match=r'latent_size must be even; got '
                       r'\(7, 7\)'):
        BlockFINOLANeck(in_channels=8, channels=8, latent_size=7, img_size=28,
                        decoder_channels=(8, 8, 8))


@pytest.mark.parametrize('backbone', ['SimMIMViT', 'VisibleTokenViT',
                                      'BlockMaskedViT'])
def test_mask_grid_that_is_not_the_patch_grid_is_a_clear_error(backbone):
    vit = MODELS.build(dict(type=backbone, arch='deit-tiny', img_size=32,
                            patch_size=4, out_type='featmap',
                            with_cls_token=False))
    with pytest.raises(ValueError, match=rf'{backbone}: the mask grid is '
                       r'\(4, 4\) but the image has \(8, 8\) patches.*'
                       r"model_patch_size to the backbone's patch_size"):
        vit(torch.randn(1, 3, 32, 32), torch.zeros(1, 4, 4))


@pytest.mark.parametrize('backbone', ['SimMIMViT', 'VisibleTokenViT'])
def test_mae_init_gives_the_encoder_maes_initialisation(backbone):
    """Same positions and weight scales as MMPretrain's MAEViT (built and
    initialised as MAE's config does), and the positions stay fixed."""
    from mmpretrain.models import MAEViT
    from mmengine.model import initialize
    torch.manual_seed(0)
    mae = MAEViT(arch='deit-tiny', img_size=32, patch_size=4)
    initialize(mae, [dict(type='Xavier', layer='Linear',
                          distribution='uniform'),
                     dict(type='Constant', layer='LayerNorm', val=1.0,
                          bias=0.0)])
    mae.init_weights()
    kwargs = dict(type=backbone, arch='deit-tiny', img_size=32,
                  patch_size=4, with_cls_token=False, out_type='featmap')
    plain = MODELS.build(kwargs)
    vit = MODELS.build(dict(kwargs, mae_init=True))
    plain.init_weights()
    vit.init_weights()
    assert torch.equal(vit.pos_embed, mae.pos_embed[:, 1:])  # no cls here
    assert not vit.pos_embed.requires_grad and plain.pos_embed.requires_grad
    for name in ('layers.0.attn.qkv.weight', 'patch_embed.projection.weight',
                 'layers.3.ffn.layers.1.weight'):
        std = dict(vit.named_parameters())[name].std()
        std_mae = dict(mae.named_parameters())[name].std()
        std_plain = dict(plain.named_parameters())[name].std()
        assert abs(std / std_mae - 1) < 0.05, name
        if 'qkv' in name:   # elsewhere the plain ViT's scales are close
            assert abs(std_plain / std_mae - 1) > 0.15, name
    with pytest.raises(ValueError, match=r'square.*mae_init=False'):
        MODELS.build(dict(kwargs, img_size=(32, 16), mae_init=True))


def test_masked_finola_without_masks_names_the_mask_generator():
    model, _ = build_model(config('masked-finola-e'))
    with pytest.raises(ValueError, match=r'MaskedFINOLA needs a patch mask.*'
                       r'Add a mask generator'):
        model.loss(torch.randn(2, 3, 32, 32), [DataSample(), DataSample()])


# -- block-wise: FINOLA steps, and masked pixels stay unseen ------------------

@pytest.mark.parametrize('visible', [(0, 0), (0, 1), (1, 0), (1, 1)])
@pytest.mark.parametrize('order', ['xy', 'yx'])
def test_complete_quadrants_matches_stepwise_reference(visible, order):
    gen = torch.Generator().manual_seed(0)
    C, h, w = 6, 2, 3
    block = torch.randn(2, C, h, w, generator=gen, dtype=torch.float64)
    A, B = (torch.randn(C, C, generator=gen, dtype=torch.float64) * 0.3
            for _ in range(2))
    out = complete_quadrants(block, A, B, visible, axis_order=order)
    assert out.shape == (2, C, 2 * h, 2 * w)
    for n in range(2):
        torch.testing.assert_close(
            out[n], reference_complete(block[n], A, B, visible, order))


@pytest.mark.parametrize('cfg_path', BLOCK_CONFIGS, ids=config_id)
def test_block_wise_prediction_has_zero_gradient_on_masked_pixels(cfg_path):
    model, _ = build_model(cfg_path)
    x = torch.randn(4, 3, 32, 32, requires_grad=True)
    mask = quadrant_masks()                      # a different one per image
    pred = model.neck(model.backbone(x, mask), mask)       # (4, 3, 32, 32)
    assert pred.shape == x.shape
    (pred * torch.randn_like(pred)).sum().backward()
    grad = x.grad.abs().sum(1)                             # (4, 32, 32)
    masked = upsample_mask(mask, (32, 32))[:, 0].bool()
    assert torch.all(grad[masked] == 0)
    for g, m in zip(grad, masked):
        assert (g[~m] > 0).float().mean() > 0.5


# -- element-wise: the visible-token encoder ----------------------------------

@pytest.mark.parametrize('ratio', [0.5, 0.75])
def test_visible_token_vit_encodes_only_visible_patches(ratio):
    model, _ = build_model(config('masked-finola-e'))
    vit = model.backbone
    vit.eval()
    np.random.seed(0)
    gen = PatchMaskGenerator(32, 4, 4, ratio)
    mask = torch.stack([torch.from_numpy(gen(image())['mask'])
                        for _ in range(3)])               # (3, 8, 8)
    x = torch.randn(3, 3, 32, 32)
    with torch.no_grad():
        tokens = vit(x, mask)[-1]
        pixel_mask = upsample_mask(mask, (32, 32)).bool().expand_as(x)
        changed = torch.where(pixel_mask, torch.randn_like(x) * 10, x)
        again = vit(changed, mask)[-1]
    assert tokens.shape == (3, round((1 - ratio) * 64), vit.embed_dims)
    assert torch.equal(tokens, again)


# -- pretraining checkpoints load into the plain backbones --------------------

def plain_backbone(cfg, path):
    if cfg.model.backbone.type.endswith('MobileFormer'):
        return MobileFormer(
            arch='tiny', init_cfg=dict(type='Pretrained', checkpoint=path,
                                       prefix='backbone.'))
    bb = cfg.model.backbone
    return VisionTransformer(
        arch=bb.arch, img_size=bb.img_size, patch_size=bb.patch_size,
        out_type='featmap', with_cls_token=False,
        init_cfg=dict(type='Pretrained', checkpoint=path, prefix='backbone.'))


@pytest.mark.parametrize('cfg_path', CONFIGS, ids=config_id)
def test_pretraining_checkpoint_loads_into_the_plain_backbone(cfg_path,
                                                              tmp_path):
    model, cfg = build_model(cfg_path)
    path = str(tmp_path / 'pretrain.pth')
    torch.save({'state_dict': model.state_dict()}, path)
    pretrained = {k[len('backbone.'):]: v
                  for k, v in model.state_dict().items()
                  if k.startswith('backbone.')}
    torch.manual_seed(1)
    plain = plain_backbone(cfg, path)
    plain.init_weights()
    for name, value in plain.state_dict().items():
        assert name in pretrained, f'{name} missing from the checkpoint'
        expected = pretrained[name]
        if name == 'pos_embed' and expected.shape[1] == value.shape[1] + 1:
            expected = expected[:, 1:]           # MAE's class-token position
        assert torch.equal(value, expected), name


# -- runner: resume and pictures ----------------------------------------------

class StartRecorder(Hook):
    """The iteration and weights a run starts from."""

    def before_train(self, runner):
        self.iter = runner.iter
        self.state = {k: v.clone()
                      for k, v in runner.model.state_dict().items()}


def test_interrupted_block_wise_run_resumes_from_its_last_checkpoint(
        tiny_cfg, tmp_path):
    cfg = tiny_cfg(config('masked-finola-b'), tmp_path, iters=4, batch=2)
    cfg.default_hooks.checkpoint.interval = 2
    Runner.from_cfg(cfg).train()
    # interrupted after iteration 3: iter_4 never written
    os.remove(tmp_path / 'iter_4.pth')
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'iter_2.pth'))

    cfg = tiny_cfg(config('masked-finola-b'), tmp_path, iters=6, batch=2)
    cfg.default_hooks.checkpoint.interval = 2
    cfg.resume = True
    runner = Runner.from_cfg(cfg)
    start = StartRecorder()
    runner.register_hook(start)
    runner.train()
    saved = torch.load(tmp_path / 'iter_2.pth', weights_only=True)
    assert start.iter == 2 and runner.iter == 6
    for k, v in saved['state_dict'].items():
        assert torch.equal(start.state[k], v), k
    assert osp.isfile(tmp_path / 'iter_4.pth')
    final = torch.load(tmp_path / 'iter_6.pth', weights_only=True)
    assert final['meta']['iter'] == 6


@pytest.mark.parametrize('method', ['mae', 'simmim', 'masked-finola-e'])
def test_vis_hook_draws_masked_input_prediction_and_original(method, tiny_cfg,
                                                             tmp_path):
    cfg = tiny_cfg(config(method), tmp_path, iters=2, batch=2)
    [vis] = [h for h in cfg.custom_hooks
             if h.type == 'MaskedReconstructionVisHook']
    vis.interval = 2
    Runner.from_cfg(cfg).train()
    grid = mmcv.imread(osp.join(tmp_path, 'reconstructions', 'train_2.png'))
    # rows: masked input, prediction pasted in, original; 2 images of 32 px
    # enlarged 4x to 128 px, with 8 px padding
    assert grid.shape == (3 * 136 + 8, 2 * 136 + 8, 3)
    masked_input, pasted, original = (grid[8 + 136 * i:136 * (i + 1)]
                                      for i in range(3))
    assert not np.array_equal(masked_input, original)
    assert not np.array_equal(pasted, original)


def test_visible_box_is_the_geometry_of_the_mask():
    from finola_mm.models.utils.masks import visible_box, visible_indices
    masks = quadrant_masks()                     # (4, 8, 8), one per quadrant
    box = visible_box(masks)
    assert torch.equal(box.token_ids(8), visible_indices(masks))
    assert box.quadrants((8, 8)).tolist() == [[1, 0], [0, 0], [1, 1],
                                              [0, 1]]
    shifted = torch.ones(1, 8, 8, dtype=torch.long)
    shifted[0, 1:5, 0:4] = 0                     # half size, not a quadrant
    with pytest.raises(ValueError, match='exactly one visible quadrant'):
        visible_box(shifted).quadrants((8, 8))


@pytest.mark.parametrize('cfg_path', BLOCK_CONFIGS, ids=config_id)
def test_block_wise_step_computes_the_visible_box_once(cfg_path,
                                                       monkeypatch):
    """The algorithm finds the box once and passes it to the backbone and
    the neck; neither reads the mask's geometry again."""
    import finola_mm.models.algorithms.masked_finola as algo
    import finola_mm.models.backbones.mobile_former_pretrain as mf
    import finola_mm.models.backbones.vit_pretrain as vit
    import finola_mm.models.necks.block_finola_neck as neck
    model, cfg = build_model(cfg_path)
    data = fixed_batch(model, cfg)
    calls = []
    real = algo.visible_box
    monkeypatch.setattr(algo, 'visible_box',
                        lambda m: calls.append(1) or real(m))
    for module in (mf, vit, neck):
        monkeypatch.setattr(module, 'visible_box', None)   # would fail
    monkeypatch.setattr(vit, 'visible_indices', None)
    assert torch.isfinite(model.loss(data['inputs'],
                                     data['data_samples'])['loss'])
    assert calls == [1]


def test_mae_start_is_a_config_field_like_the_other_methods():
    """MAEViTStart(mae_init=True) starts exactly as MMPretrain's MAEViT;
    mae_init=False starts as the plain ViT (learned, trainable positions),
    and either checkpoint loads into the plain ViT."""
    init_default_scope('mmpretrain')
    path = osp.join(ROOT, 'configs/masked_pretrain/'
                    'mae_vit-tiny-p4_1xb64-1k_fmnist-32px.py')

    def start(**backbone):
        cfg = Config.fromfile(path)
        cfg.model.backbone.update(backbone)
        if cfg.model.backbone.type == 'MAEViT':
            cfg.model.backbone.pop('mae_init')
        torch.manual_seed(0)
        model = build_runner_model(cfg)
        model.init_weights()
        return model

    ours, theirs = start(), start(type='MAEViT')
    assert ours.backbone.mae_init is True
    for key, value in theirs.state_dict().items():
        assert torch.equal(ours.state_dict()[key], value), key
    plain = start(mae_init=False)
    pos = plain.backbone.pos_embed
    assert pos.requires_grad and not ours.backbone.pos_embed.requires_grad
    assert not torch.allclose(pos, ours.backbone.pos_embed)
    assert abs(pos.std().item() - 0.02) < 0.005   # trunc normal, std 0.02
    vit = VisionTransformer(arch=dict(embed_dims=128, num_layers=4,
                                      num_heads=4, feedforward_channels=512),
                            img_size=32, patch_size=4)
    missing, unexpected = vit.load_state_dict(
        plain.backbone.state_dict(), strict=False)
    assert not missing and not unexpected
