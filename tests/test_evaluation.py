"""Downstream evaluation: kNN, the feature probe, layer-wise LR decay, the
backbone extractor, and the check that a Pretrained backbone really fits."""
import os.path as osp
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from mmpretrain.registry import MODELS

from conftest import ROOT
from finola_mm.evaluation import (knn_accuracy, knn_eval, knn_predict,
                                  train_linear_probe)

BENCH = osp.join(ROOT, 'configs/benchmarks')
VIT_PROBE = osp.join(BENCH,
                     'linear-probe_vit-tiny-p4_1xb256-500it_fmnist-32px.py')
MF_PRETRAIN = osp.join(ROOT, 'configs/masked_pretrain/'
                       'simmim_mobile-former-tiny_1xb64-1k_fmnist-32px.py')
VIT_PRETRAIN = osp.join(ROOT, 'configs/masked_pretrain/'
                        'mae_vit-tiny-p4_1xb64-1k_fmnist-32px.py')
EXTRACT = osp.join(ROOT, 'tools/model_converters/extract_backbone.py')


def clusters(n, num_classes=5, dims=16, noise=1.0, seed=0):
    gen = torch.Generator().manual_seed(seed)
    centres = 3 * torch.randn(num_classes, dims, generator=gen)
    labels = torch.arange(n) % num_classes
    return centres[labels] + noise * torch.randn(n, dims, generator=gen), \
        labels


@pytest.fixture(scope='module')
def pretrained(tmp_path_factory):
    """1-iteration MAE (ViT) and SimMIM (Mobile-Former) checkpoints."""
    import sys as _sys
    _sys.path.insert(0, osp.join(ROOT, 'tests'))
    from conftest import tiny_run_cfg
    root = tmp_path_factory.mktemp('pretrained')
    out = {}
    for name, path in (('vit', VIT_PRETRAIN), ('mobile-former', MF_PRETRAIN)):
        Runner.from_cfg(tiny_run_cfg(path, root / name, iters=1)).train()
        out[name] = str(root / name / 'iter_1.pth')
    return out


def test_knn_separates_clusters_and_not_noise():
    x, y = clusters(600)
    assert knn_accuracy(x[:400], y[:400], x[400:], y[400:])['knn/top1'] > 95
    shuffled = y[torch.randperm(600, generator=torch.Generator()
                                .manual_seed(1))]
    acc = knn_accuracy(x[:400], shuffled[:400], x[400:], y[400:])['knn/top1']
    assert acc < 50  # labels unrelated to features: near chance (20%)


def test_knn_votes_are_weighted_by_similarity():
    bank = torch.tensor([[1., 0.], [0.9, 0.1], [0., 1.]])
    labels = torch.tensor([0, 0, 1])
    scores = knn_predict(bank, labels, torch.tensor([[0.1, 1.]]), k=3)
    assert scores.argmax(1).item() == 1  # nearest wins over the majority
    with pytest.raises(ValueError, match='k=4'):
        knn_predict(bank, labels, bank, k=4)


def test_feature_probe_learns_clusters_and_not_noise():
    x, y = clusters(1000, noise=2.0)
    good = train_linear_probe(x[:800], y[:800], x[800:], y[800:], epochs=5)
    noise = train_linear_probe(torch.randn(800, 16), y[:800],
                               torch.randn(200, 16), y[800:], epochs=5)
    assert good['linear/top1'] > 90 and noise['linear/top1'] < 40


def test_probes_fitted_together_equal_probes_fitted_one_by_one():
    """fit_linear_probes trains a grid in one pass; each setting must give
    the probe that its own run gives (same seed: init, batches, BN)."""
    from finola_mm.evaluation.feature_probe import (fit_linear_probes,
                                                    probe_accuracy)
    x, y = clusters(300, noise=3.0)
    grid = [(0.03, 2), (3.0, 5), (0.3, 3)]
    together = fit_linear_probes(x[:200], y[:200], grid, batch_size=64)
    for (lr, epochs), probe in zip(grid, together):
        alone, = fit_linear_probes(x[:200], y[:200], [(lr, epochs)],
                                   batch_size=64)
        assert torch.allclose(probe(x[200:]), alone(x[200:]), atol=1e-5)
        assert probe_accuracy(probe(x[200:]), y[200:]) == train_linear_probe(
            x[:200], y[:200], x[200:], y[200:], epochs=epochs,
            batch_size=64, lr=lr)
    # and the settings differ: the grid is not one probe copied
    assert not torch.allclose(together[0](x), together[1](x))


def test_knn_eval_reads_the_pretrained_backbone(pretrained):
    cfg = Config.fromfile(VIT_PROBE)
    cfg.test_dataloader.update(num_workers=0, persistent_workers=False)
    cfg.model.backbone.init_cfg = dict(type='Pretrained', prefix='backbone.',
                                       checkpoint=pretrained['vit'])
    result = knn_eval(cfg, train_indices=40, test_indices=20, k=5)
    assert result['num_train'] == 40 and result['num_test'] == 20
    assert 0 <= result['knn/top1'] <= result['knn/top5'] <= 100


def test_frozen_features_normalise_inputs_as_training_does():
    """The features of the frozen encoder are those of the Runner's model:
    the config's top-level data_preprocessor (mean/std) applies, not the
    default one that leaves raw 0-255 pixels (the bug until 2026-12-01)."""
    from finola_mm.evaluation import frozen_features
    from finola_mm.utils import build_model
    cfg = Config.fromfile(VIT_PROBE)
    cfg.test_dataloader.update(num_workers=0, persistent_workers=False)
    init_default_scope('mmpretrain')
    model = build_model(cfg)
    torch.testing.assert_close(   # what training normalises by
        model.data_preprocessor.mean.flatten(),
        torch.tensor(cfg.data_preprocessor.mean))
    assert not MODELS.build(cfg.model).data_preprocessor._enable_normalize
    torch.manual_seed(0)
    (feats, _), _ = frozen_features(cfg, train_indices=4, test_indices=2)
    torch.manual_seed(0)   # the same random encoder, fed by hand
    model = build_model(cfg)
    model.init_weights()
    model.eval()
    from finola_mm.evaluation.knn import eval_loader
    data = next(iter(eval_loader(cfg, False, 4, 'probe')))  # the same 4
    mean = torch.tensor(cfg.data_preprocessor.mean).view(1, 3, 1, 1)
    std = torch.tensor(cfg.data_preprocessor.std).view(1, 3, 1, 1)
    pixels = torch.as_tensor(data['inputs']).float()   # collated: (N, 3, H, W)
    inputs = (pixels - mean) / std
    with torch.no_grad():
        by_hand = model.backbone(inputs)[-1].mean(dim=(2, 3))
        raw = model.backbone(pixels)[-1].mean(dim=(2, 3))
    torch.testing.assert_close(feats, by_hand)
    assert not torch.allclose(feats, raw, atol=1e-3)


def test_another_encoders_checkpoint_is_a_clear_error(pretrained):
    cfg = Config.fromfile(VIT_PROBE)
    cfg.model.backbone.init_cfg = dict(type='Pretrained', prefix='backbone.',
                                       checkpoint=pretrained['mobile-former'])
    with pytest.raises(RuntimeError, match=r'missing keys \(53\): layers.0'):
        knn_eval(cfg, 8, 8, k=2)


def test_linear_probe_run_refuses_a_checkpoint_that_does_not_fit(
        pretrained, tiny_cfg, tmp_path):
    cfg = tiny_cfg(VIT_PROBE, tmp_path, iters=1)
    cfg.model.backbone.init_cfg = dict(type='Pretrained', prefix='backbone.',
                                       checkpoint=pretrained['mobile-former'])
    with pytest.raises(RuntimeError, match='does not fit the '
                       'VisionTransformer backbone'):
        Runner.from_cfg(cfg).train()


def test_extracted_backbone_keeps_metadata_and_loads_like_the_original(
        pretrained, tmp_path):
    out = tmp_path / 'mae_backbone.pth'
    subprocess.run([sys.executable, EXTRACT, pretrained['vit'], str(out)],
                   check=True, cwd=ROOT, capture_output=True)
    src = torch.load(pretrained['vit'], weights_only=True)
    ckpt = torch.load(out, weights_only=True)
    assert set(ckpt) == {'meta', 'state_dict'}  # no optimizer, no decoder
    assert set(ckpt['state_dict']) == {
        k for k in src['state_dict'] if k.startswith('backbone.')}
    meta = ckpt['meta']
    assert (meta['method'], meta['backbone_type'], meta['iter']) == \
        ('mae', 'MAEViTStart', 1)
    assert 'MAEViTStart' in meta['pretrain_config']
    for path in (pretrained['vit'], str(out)):  # either form, same weights
        init_default_scope('mmpretrain')
        cfg = Config.fromfile(VIT_PROBE)
        cfg.model.backbone.init_cfg = dict(type='Pretrained', checkpoint=path,
                                           prefix='backbone.')
        model = MODELS.build(cfg.model)
        model.init_weights()
        assert torch.equal(model.backbone.layers[0].ffn.layers[1].weight,
                           src['state_dict']['backbone.layers.0.ffn.layers.1'
                                             '.weight'])


def test_extractor_rejects_files_without_a_backbone(tmp_path):
    bad = tmp_path / 'bad.pth'
    torch.save({'state_dict': {'head.fc.weight': torch.zeros(1)}}, bad)
    run = subprocess.run([sys.executable, EXTRACT, str(bad),
                          str(tmp_path / 'o.pth')], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode != 0 and 'no "backbone." weights' in run.stderr
    assert not (tmp_path / 'o.pth').exists()


@pytest.mark.parametrize('config', [
    'fine-tune_vit-tiny-p4_1xb128-2k_fmnist-32px.py',
    'fine-tune_mobile-former-tiny_1xb128-2k_fmnist-32px.py'])
def test_fine_tune_decays_the_lr_from_head_to_stem(config):
    init_default_scope('mmpretrain')
    cfg = Config.fromfile(osp.join(BENCH, config))
    model = MODELS.build(cfg.model)
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    lr = {g['param_name']: g['lr'] for g in wrapper.optimizer.param_groups}
    base = cfg.optim_wrapper.optimizer.lr
    first = next(v for k, v in lr.items()
                 if k.startswith(('backbone.patch_embed', 'backbone.stem')))
    assert lr['head.fc.weight'] == pytest.approx(base)
    assert first < min(v for k, v in lr.items() if 'layers.3' in k
                       or 'stages.3' in k) < base
    # strictly more decay for every step towards the input
    rate = cfg.optim_wrapper.paramwise_cfg.layer_decay_rate
    depth = len(set(g['layer_id'] for g in wrapper.optimizer.param_groups))
    assert first == pytest.approx(base * rate ** (depth - 1))


def test_recalibrate_bn_replaces_stale_statistics_and_leaves_eval_mode():
    """Masked pretraining leaves BatchNorm statistics of masked images;
    re-estimation must give the statistics of the images it is shown."""
    import torch
    from mmengine.model import BaseDataPreprocessor
    from torch import nn
    from torch.utils.data import DataLoader

    from finola_mm.evaluation import recalibrate_bn

    class Tiny(nn.Module):
        def __init__(self, norm=True):
            super().__init__()
            self.data_preprocessor = BaseDataPreprocessor()
            self.bn = nn.BatchNorm2d(3) if norm else nn.Identity()

        def forward(self, inputs, data_samples=None, mode='tensor'):
            return self.bn(inputs)

        def train(self, mode=True):  # as frozen stages / norm_eval=True
            super().train(mode)
            self.bn.eval()
            return self

    images = torch.randn(64, 3, 4, 4) * 2 + 5          # mean 5, var 4
    loader = DataLoader(images, batch_size=16,
                        collate_fn=lambda b: dict(inputs=torch.stack(b)))
    model = Tiny()
    model.bn.running_mean.fill_(-3.)  # stale: another input distribution
    assert recalibrate_bn(model, loader, 64) == 1
    assert not model.training
    assert torch.allclose(model.bn.running_mean, images.mean((0, 2, 3)),
                          atol=0.05)
    assert torch.allclose(model.bn.running_var,
                          images.var((0, 2, 3)), rtol=0.1)
    assert recalibrate_bn(Tiny(norm=False), loader, 64) == 0  # nothing to do


def test_tuned_readout_chooses_on_val_then_scores_test_once(monkeypatch):
    """Every setting is scored on val; test is read once per read-out, with
    the setting that was best on val, after every val score."""
    import finola_mm.evaluation.feature_probe as fp
    import finola_mm.evaluation.knn as knn
    gen = torch.Generator().manual_seed(0)
    train = (torch.randn(40, 6, generator=gen), torch.arange(40) % 4)
    val = (torch.randn(20, 6, generator=gen), torch.arange(20) % 4)
    test = (torch.randn(20, 6, generator=gen), torch.arange(20) % 4)
    calls = []
    # val scores that make one setting of each grid the clear winner
    best_lr, best_k = fp.PROBE_GRID[-2], 20

    def fit(feats, labels, settings, seed):
        def fitted(g):
            def apply(f):   # logits whose argmax hits 90% or 50% of labels
                split = 'test' if f is test[0] else 'val'
                calls.append(('linear', split, g, len(feats)))
                right = int(len(f) * (0.9 if g == best_lr else 0.5))
                guess = torch.arange(len(f)) % 4
                guess[right:] = (guess[right:] + 1) % 4
                return torch.nn.functional.one_hot(guess, 4).float()
            return apply
        return [fitted(g) for g in settings]

    def knn_acc(tf, tl, f, y, k, temperature):
        split = 'test' if f is test[0] else 'val'
        calls.append(('knn', split, k, len(tf)))
        return {'knn/top1': 80. if k == best_k else 40., 'knn/top5': 100.}

    monkeypatch.setattr(fp, 'fit_linear_probes', fit)
    monkeypatch.setattr(knn, 'knn_accuracy', knn_acc)
    out = fp.tuned_readout(train, val, test, lowshot_labels=8)
    assert out['linear/chosen'] == best_lr and out['knn/chosen'] == best_k
    assert out['lowshot/chosen'] == best_lr and out['scored_on'] == 'test'
    for name, grid in (('linear', fp.PROBE_GRID), ('knn', fp.KNN_GRID)):
        mine = [c for c in calls if c[0] == name and c[3] == 40]
        splits = [c[1] for c in mine]
        assert splits == ['val'] * len(grid) + ['test']   # test last, once
        assert mine[-1][2] == out[f'{name}/chosen']
    lowshot = [c for c in calls if c[0] == 'linear' and c[3] == 8]
    assert [c[1] for c in lowshot] == ['val'] * len(fp.PROBE_GRID) + ['test']
    # without test: a screen, scored on val, test never touched
    calls.clear()
    screen = fp.tuned_readout(train, val)
    assert screen['scored_on'] == 'val'
    assert {c[1] for c in calls} == {'val'}
