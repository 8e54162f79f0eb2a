"""The FINOLA autoencoder: loss, overfitting, predictions, size errors."""
import functools

import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config

from conftest import FMNIST_ROOT, MAIN_CONFIG, RESNET_CONFIG, ROOT
from finola_mm.datasets import LocalFashionMNIST
from mmpretrain.registry import MODELS
from finola_mm.models import FINOLANeck
from finola_mm.models.utils import AttentionPool


def small_model(**neck):
    cfg = Config.fromfile(RESNET_CONFIG).model
    cfg.neck.update(channels=32, decoder_channels=(32, 16, 16), **neck)
    cfg.data_preprocessor = dict(type='SelfSupDataPreprocessor',
                                 mean=[127.5] * 3, std=[64.] * 3)
    return MODELS.build(cfg)


@functools.lru_cache(maxsize=1)
def fashion_mnist_test():
    return LocalFashionMNIST(data_root=FMNIST_ROOT, test_mode=True)


def batch(n=4, size=32):
    """The first n Fashion-MNIST test images, resized, as 3-channel uint8."""
    ds = fashion_mnist_test()
    imgs = torch.stack([torch.from_numpy(ds[i]['img'].copy())
                        for i in range(n)]).float()[:, None]
    imgs = F.interpolate(imgs, size=(size, size), mode='bilinear')
    return dict(inputs=imgs.round().clamp(0, 255).to(torch.uint8).expand(
        -1, 3, -1, -1).contiguous(), data_samples=None)


def test_loss_decreases_when_overfitting_a_fixed_batch():
    torch.manual_seed(0)
    model = small_model()
    data = model.data_preprocessor(batch(), training=True)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    losses = []
    for _ in range(30):
        loss = model(**data, mode='loss')['loss']
        assert torch.isfinite(loss)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]


def test_every_part_receives_gradient():
    model = small_model(num_paths=2)
    data = model.data_preprocessor(batch(), training=True)
    model(**data, mode='loss')['loss'].backward()
    for name in ('neck.finola.A', 'neck.finola.B', 'neck.pool.query',
                 'backbone.conv1.weight', 'neck.decoder.layers.0.weight'):
        grad = dict(model.named_parameters())[name].grad
        assert grad is not None and grad.abs().sum() > 0, name


def test_predict_returns_pixel_space_reconstructions():
    model = small_model().eval()
    raw = batch(n=3)
    data = model.data_preprocessor(raw)
    with torch.no_grad():
        samples = model(**data, mode='predict')
    assert len(samples) == 3
    for s, img in zip(samples, raw['inputs']):
        assert s.pred_img.shape == (3, 32, 32)
        assert 0 <= s.pred_img.min() and s.pred_img.max() <= 255
        # gt_img undoes the normalisation: the original pixels come back
        torch.testing.assert_close(s.gt_img, img.float(), atol=1e-3, rtol=0)


def test_latent_map_has_the_configured_size_and_channels():
    model = small_model(latent_size=(8, 8), num_paths=4)
    data = model.data_preprocessor(batch(n=2))
    z = model.neck.grow_latent(model.backbone(data['inputs']))
    assert z.shape == (2, 32, 8, 8)


def test_image_size_that_does_not_fit_the_decoder_is_a_clear_error():
    with pytest.raises(ValueError, match=r'does not fit the decoder.*'
                       r'Set img_size to \(32, 32\)'):
        FINOLANeck(in_channels=128, channels=32, latent_size=8, img_size=30,
                   decoder_channels=(32, 16, 16))
    model = small_model()
    data = model.data_preprocessor(batch(size=28))
    with pytest.raises(ValueError, match=r'Images are \(28, 28\).*Resize'):
        model(**data, mode='loss')


def test_pool_width_mismatch_is_a_clear_error():
    model = small_model(in_channels=64)
    data = model.data_preprocessor(batch(n=2))
    with pytest.raises(ValueError, match=r"in_channels to the backbone"):
        model(**data, mode='loss')


def test_vit_encoder_reconstructs():
    cfg = Config.fromfile(RESNET_CONFIG.replace(
        'resnet-cifar-tiny', 'vit-tiny-p4')).model
    cfg.neck.channels = 32
    model = MODELS.build(cfg)
    data = model.data_preprocessor(batch(n=2))
    loss = model(**data, mode='loss')['loss']
    loss.backward()
    assert torch.isfinite(loss)
    assert model.backbone.patch_embed.projection.weight.grad is not None


@pytest.mark.parametrize('num_queries,max_rank', [(None, 32), (1, 8)])
def test_attention_pool_q_spans_all_channels_by_default(num_queries,
                                                        max_rank):
    """One query of width D=8 confines q (32 values) to 8 dimensions; the
    default K = ceil(32 / 8) queries let it use all 32."""
    torch.manual_seed(0)
    pool = AttentionPool(in_channels=8, out_channels=32, num_heads=2,
                         num_queries=num_queries)
    with torch.no_grad():
        pool.query.normal_(std=3.)  # distinct queries, as training makes
        q = pool(torch.randn(200, 8, 3, 3))
    rank = torch.linalg.matrix_rank(q - q.mean(0), rtol=1e-5)
    assert rank == max_rank


def test_wave_consistency_adds_a_loss_that_trains_a_and_b():
    cfg = Config.fromfile(MAIN_CONFIG)
    cfg.model.neck.update(channels=16, consistency_weight=0.5)
    cfg.model.data_preprocessor = dict(type='SelfSupDataPreprocessor',
                                       mean=[127.5] * 3, std=[64.] * 3)
    model = MODELS.build(cfg.model)
    data = model.data_preprocessor(batch(), training=True)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss', 'loss_wave'}
    assert losses['loss_wave'] > 0
    losses['loss_wave'].backward()
    fin = model.neck.finola
    assert fin.A.grad.abs().sum() > 0 and fin.B_neg.grad.abs().sum() > 0
    cfg.model.neck.consistency_weight = 0.
    assert set(MODELS.build(cfg.model)(**data, mode='loss')) == {'loss'}
