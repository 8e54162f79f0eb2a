"""finola_mm encoders as MMDetection backbones: the simple feature pyramid,
Mobile-Former into FPN, frozen vs fine-tuned, the start-up checks, every
config under configs/benchmarks/mmdet/, the demo runs and transfer_det."""
import argparse
import functools
import glob
import importlib
import json
import os
import os.path as osp
import subprocess
import sys
from types import SimpleNamespace

import mmengine.config.utils as config_utils
import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from conftest import FMNIST_ROOT, ROOT
from finola_mm.downstream.detection import (DetBackboneNeckCheckHook,
                                            backbone_neck_mismatch)
from finola_mm.engine.hooks import CheckpointCompatibilityHook
from finola_mm.utils import assert_backbone_fits

MMDET = osp.join(ROOT, 'configs/benchmarks/mmdet')
DEMO = osp.join(MMDET, 'demo/{}_{}_demo-coco-128px.py')
DETECTORS = ['mask-rcnn', 'retinanet']
ENCODERS = ['vit-tiny-p4-sfp', 'mobile-former-tiny-fpn']
METHODS = ['masked-finola-e', 'masked-finola-b', 'mae', 'simmim']
DEMO_64 = osp.join(ROOT, 'configs/benchmarks/mmdet/demo/'
                   'mask-rcnn_vit-tiny-p4-sfp_ft_demo-coco-64px.py')
PRETRAIN = {  # name -> a 32 px pretraining config
    **{m: f'{m}_vit-tiny-p4_1xb64-1k_fmnist-32px.py' for m in METHODS},
    'mobile-former-tiny-fpn':
        'masked-finola-b_mobile-former-tiny_1xb64-1k_fmnist-32px.py',
}
PRETRAIN['vit-tiny-p4-sfp'] = PRETRAIN['masked-finola-e']
CONFIGS = sorted(p for p in glob.glob(osp.join(MMDET, '*', '*.py'))
                 if '_base_' not in p)


def _load_tool(relpath: str):
    """'tools/benchmarks/transfer_det.py' -> that module, imported."""
    return importlib.import_module(osp.splitext(relpath)[0].replace('/', '.'))


@pytest.fixture(scope='module', autouse=True)
def fast_mmdet_bases():
    """MMEngine re-reads every MMDetection metafile (~0.6 s) for each
    ``mmdet::`` base, even ones it then fails to find there; remember the
    answers, failures included, for this module."""
    original = config_utils._get_cfg_metainfo
    memo = {}

    @functools.wraps(original)
    def remembered(package_path, cfg_path):
        key = (package_path, cfg_path)
        if key not in memo:
            try:
                memo[key] = original(package_path, cfg_path)
            except ValueError as e:
                memo[key] = e
        if isinstance(memo[key], ValueError):
            raise memo[key]
        return memo[key]

    config_utils._get_cfg_metainfo = remembered
    init_default_scope('mmdet')
    yield
    config_utils._get_cfg_metainfo = original


@pytest.fixture(scope='module', autouse=True)
def one_thread():
    """These models are tiny: one thread is about as fast, and it does not
    stall when other processes share the cores (OpenMP threads spin-wait,
    which made Mobile-Former's many small ops ~100x slower here)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def build(cfg):
    from mmdet.registry import MODELS
    init_default_scope('mmdet')
    cfg = Config.fromfile(cfg) if isinstance(cfg, str) else cfg
    return MODELS.build(cfg.model)


def fake_batch(model, size=64, batch=2):
    """Random images with 2 boxes + masks each, through the preprocessor."""
    from mmdet.testing import demo_mm_inputs
    packed = demo_mm_inputs(batch_size=batch,
                            image_shapes=[(3, size, size)] * batch,
                            num_items=[2] * batch, with_mask=True,
                            num_classes=10)
    return model.data_preprocessor(packed, True)


def total_loss(losses: dict):
    return sum(sum(v) if isinstance(v, list) else v
               for k, v in losses.items() if 'loss' in k)


@pytest.fixture(scope='module')
def pretrain_ckpts(tmp_path_factory):
    """One-iteration pretraining checkpoints: every method on the tiny ViT
    (also under its encoder's name) and one on the tiny Mobile-Former."""
    from conftest import tiny_run_cfg
    ckpts = {}
    for name, cfg_name in PRETRAIN.items():
        if cfg_name in ckpts:
            ckpts[name] = ckpts[cfg_name]
            continue
        work_dir = tmp_path_factory.mktemp(name)
        Runner.from_cfg(tiny_run_cfg(
            osp.join(ROOT, 'configs/masked_pretrain', cfg_name), work_dir,
            iters=1, batch=2)).train()
        ckpts[name] = ckpts[cfg_name] = str(work_dir / 'iter_1.pth')
    init_default_scope('mmdet')
    return ckpts


@pytest.fixture(scope='module')
def demo_set(tmp_path_factory):
    from tools.data.make_demo_coco import make_demo_coco as make
    return make(tmp_path_factory.mktemp('demo') / 'coco', num_train=4,
                num_val=2, img_size=128, seed=0, fmnist_root=FMNIST_ROOT)


def on_demo_set(cfg_path, demo_set, work_dir, iters=2):
    """A demo config on the tiny set: ``iters`` of 2 images, then val."""
    cfg = Config.fromfile(cfg_path)
    cfg.visualizer.name = str(work_dir)  # one per run in this process
    root = demo_set['out_dir'] + '/'
    for split in ('train', 'val', 'test'):
        cfg[f'{split}_dataloader'].dataset.data_root = root
    for split in ('val', 'test'):
        cfg[f'{split}_evaluator'].ann_file = demo_set[f'{split}_json']
    cfg.train_dataloader.batch_size = 2
    cfg.train_cfg.update(max_iters=iters, val_interval=iters)
    cfg.default_hooks.checkpoint.interval = iters
    cfg.work_dir = str(work_dir)
    return cfg


# -- each encoder inside each detector ----------------------------------------

@pytest.mark.parametrize('detector', DETECTORS)
@pytest.mark.parametrize('encoder', ENCODERS)
def test_forward_loss_backward_and_predict(detector, encoder):
    model = build(DEMO.format(f'{detector}_{encoder}', 'ft'))
    data = fake_batch(model)
    model.train()
    total_loss(model(**data, mode='loss')).backward()
    grads = {n: p.grad for n, p in model.backbone.named_parameters()}
    assert all(g is not None and torch.isfinite(g).all()
               for g in grads.values()), 'backbone not fully trained'
    norms = [n for n in grads if 'ln' in n or 'norm' in n or '.bn.' in n]
    assert norms  # LayerNorm / BN affine weights train when fine-tuned
    model.eval()
    with torch.no_grad():
        results = model(**data, mode='predict')
    assert len(results) == 2 and 'bboxes' in results[0].pred_instances
    if detector == 'mask-rcnn':
        assert 'masks' in results[0].pred_instances


@pytest.mark.parametrize('detector', DETECTORS)
@pytest.mark.parametrize('encoder', ENCODERS)
def test_strides_and_channels_match_the_neck(detector, encoder):
    cfg = Config.fromfile(DEMO.format(f'{detector}_{encoder}', 'ft'))
    model = build(cfg).eval()
    img = torch.zeros(1, 3, 128, 128)
    feats = model.backbone(img)
    channels = [f.shape[1] for f in feats]
    strides = [128 // f.shape[-1] for f in feats]
    neck_in = model.neck.in_channels
    assert channels == (neck_in if isinstance(neck_in, list) else [neck_in])
    if encoder.startswith('mobile-former'):
        assert channels == model.backbone.out_channels == [16, 24, 40, 48]
        assert strides == model.backbone.out_strides == [4, 8, 16, 32]
    else:
        assert strides == [4]  # patch 4 at any input size
    out_strides = [128 // o.shape[-1] for o in model.neck(feats)]
    head = model.rpn_head if detector == 'mask-rcnn' else model.bbox_head
    assert out_strides == [s[0] for s in head.prior_generator.strides]
    assert backbone_neck_mismatch(model, cfg.model.backbone) == ''


def test_mobile_former_508m_channels_feed_the_coco_fpn():
    from finola_mm.models.backbones import MobileFormer
    backbone = MobileFormer(arch='508m', out_indices=(0, 1, 2, 3))
    cfg = Config.fromfile(osp.join(
        MMDET, 'coco/mask-rcnn_mobile-former-508m-fpn_ft_1x_coco.py'))
    assert backbone.out_channels == cfg.model.neck.in_channels \
        == [40, 72, 176, 240]
    assert backbone.out_strides == [4, 8, 16, 32]


@pytest.mark.parametrize('shape', [(128, 96), (96, 160), (64, 64)])
def test_vit_takes_padded_non_square_inputs(shape):
    model = build(DEMO.format('mask-rcnn_vit-tiny-p4-sfp', 'ft')).eval()
    (feat, ) = model.backbone(torch.zeros(1, 3, *shape))
    assert feat.shape[-2:] == (shape[0] // 4, shape[1] // 4)
    outs = model.neck((feat, ))
    assert [o.shape[-2:] for o in outs[:4]] == [
        (shape[0] // s, shape[1] // s) for s in (4, 8, 16, 32)]


# -- frozen means frozen ------------------------------------------------------

def _train_two_steps(cfg_path, **backbone):
    cfg = Config.fromfile(cfg_path)
    cfg.model.backbone.update(backbone)
    model = build(cfg)
    model.init_weights()
    model.train()
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    data = fake_batch(model)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    for _ in range(2):
        optim.update_params(total_loss(model(**data, mode='loss')))
    return model, before, model.state_dict()


@pytest.mark.parametrize('cfg_path', [
    DEMO.format('mask-rcnn_mobile-former-tiny-fpn', 'frozen'),
    DEMO.format('retinanet_vit-tiny-p4-sfp', 'frozen')])
def test_frozen_backbone_is_unchanged_while_neck_and_heads_train(cfg_path):
    model, before, after = _train_two_steps(cfg_path)
    assert not any(p.requires_grad for p in model.backbone.parameters())
    assert not any(m.training for m in model.backbone.modules()
                   if isinstance(m, torch.nn.modules.batchnorm._BatchNorm))
    backbone = [k for k in before if k.startswith('backbone.')]
    # every weight and buffer: BN running stats, ViT pos_embed and ln1 too
    assert all(torch.equal(before[k], after[k]) for k in backbone)
    for part in ('neck.', 'bbox_head.', 'rpn_head.', 'roi_head.'):
        keys = [k for k in before if k.startswith(part)]
        if keys:
            assert any(not torch.equal(before[k], after[k]) for k in keys), \
                f'{part} did not train'


def test_fine_tuned_with_norm_eval_keeps_bn_statistics_but_trains_affine():
    model, before, after = _train_two_steps(
        DEMO.format('mask-rcnn_mobile-former-tiny-fpn', 'ft'),
        norm_eval=True)
    stats = [k for k in before if k.startswith('backbone.')
             and k.endswith(('running_mean', 'running_var'))]
    affine = [k for k in before if k.startswith('backbone.')
              and '.bn.' in k and k.endswith('weight')]
    assert stats and all(torch.equal(before[k], after[k]) for k in stats)
    assert any(not torch.equal(before[k], after[k]) for k in affine)


def test_fine_tuned_bn_statistics_update_without_norm_eval():
    _, before, after = _train_two_steps(
        DEMO.format('mask-rcnn_mobile-former-tiny-fpn', 'ft'))
    stats = [k for k in before if k.startswith('backbone.')
             and k.endswith('running_mean')]
    assert any(not torch.equal(before[k], after[k]) for k in stats)


# -- pretrained weights -------------------------------------------------------

@pytest.mark.parametrize('name', METHODS + ['mobile-former-tiny-fpn'])
def test_pretraining_checkpoint_loads_with_no_missing_keys(
        name, pretrain_ckpts):
    ckpt = pretrain_ckpts[name]
    encoder = name if name in ENCODERS else 'vit-tiny-p4-sfp'
    cfg = Config.fromfile(DEMO.format(f'mask-rcnn_{encoder}', 'ft'))
    cfg.model.backbone.init_cfg = dict(type='Pretrained', checkpoint=ckpt,
                                       prefix='backbone.')
    model = build(cfg)
    model.init_weights()
    saved = torch.load(ckpt, weights_only=True)['state_dict']
    saved = {k[len('backbone.'):]: v for k, v in saved.items()
             if k.startswith('backbone.')}
    state = model.backbone.state_dict()
    assert [k for k in state if k not in saved] == []  # none missing
    for k, v in state.items():
        expected = saved[k]
        if k == 'pos_embed' and expected.shape[1] == v.shape[1] + 1:
            expected = expected[:, 1:]  # MAE's class-token position
        assert torch.equal(v, expected), k
    assert_backbone_fits(model.backbone, ckpt)  # the start-up check passes


def test_checkpoint_of_another_encoder_is_a_clear_error(pretrain_ckpts):
    """CheckpointCompatibilityHook (in every config) stops before the first
    step; MMEngine alone would only warn and train from random weights."""
    cfg = Config.fromfile(DEMO.format('mask-rcnn_vit-tiny-p4-sfp', 'ft'))
    cfg.model.backbone.init_cfg = dict(
        type='Pretrained', checkpoint=pretrain_ckpts['mobile-former-tiny-fpn'],
        prefix='backbone.')
    model = build(cfg)
    model.init_weights()
    runner = SimpleNamespace(model=model, cfg=cfg)
    with pytest.raises(RuntimeError, match=r'(?s)does not fit the '
                       r'VisionTransformer backbone.*missing keys \(\d+\): '
                       r'layers\.'):
        CheckpointCompatibilityHook().before_train(runner)
    assert 'mmpretrain.CheckpointCompatibilityHook' in [
        h['type'] for h in cfg.default_hooks.values() if h]


def test_checkpoint_without_the_prefix_is_a_clear_error(tmp_path):
    path = str(tmp_path / 'bare.pth')
    torch.save({'state_dict': {'layers.0.ln1.weight': torch.ones(128)}}, path)
    model = build(DEMO.format('retinanet_vit-tiny-p4-sfp', 'ft'))
    with pytest.raises(RuntimeError, match="no weights under the prefix "
                       "'backbone.'"):
        assert_backbone_fits(model.backbone, path, 'backbone.')


# -- out_indices / in_channels mismatches -------------------------------------

def test_out_indices_disagreeing_with_fpn_fails_at_start_and_says_the_fix(
        demo_set, tmp_path):
    cfg = on_demo_set(DEMO.format('mask-rcnn_mobile-former-tiny-fpn', 'ft'),
                      demo_set, tmp_path)
    cfg.model.backbone.out_indices = (1, 2, 3)
    runner = Runner.from_cfg(cfg)
    with pytest.raises(ValueError) as err:
        runner.train()
    assert runner.iter == 0
    assert str(err.value) == (
        "backbone mmpretrain.MobileFormer(arch='tiny', out_indices=(1, 2, "
        "3)) gives 3 map(s) with channels [24, 40, 48] at strides [8, 16, "
        "32]; neck FPN() expects in_channels=[16, 24, 40, 48]; set "
        "neck.in_channels=[24, 40, 48] or backbone.out_indices=(0, 1, 2, 3).")


@pytest.mark.parametrize('encoder, change, message', [
    ('mobile-former-tiny-fpn', dict(neck=dict(in_channels=[16, 24, 40, 64])),
     'set neck.in_channels=[16, 24, 40, 48].'),
    ('vit-tiny-p4-sfp', dict(neck=dict(scale_factors=(4.0, 2.0, 1.0, 0.5))),
     'outputs levels at strides [1, 2, 4, 8, 16] but the anchor generator '
     'expects strides [4, 8, 16, 32, 64]'),
    ('vit-tiny-p4-sfp', dict(neck=dict(in_channels=192)),
     'set neck.in_channels=128.'),
    ('vit-tiny-p4-sfp', dict(backbone=dict(out_indices=[1, 3])),
     'set backbone.out_indices=-1'),
])
def test_other_mismatches_say_what_to_change(encoder, change, message):
    cfg = Config.fromfile(DEMO.format(f'mask-rcnn_{encoder}', 'ft'))
    cfg.merge_from_dict({'model': change})
    runner = SimpleNamespace(model=build(cfg), cfg=cfg)
    with pytest.raises(ValueError) as err:
        DetBackboneNeckCheckHook().before_run(runner)
    assert message in str(err.value)


def test_simple_feature_pyramid_names_a_wrong_input():
    from finola_mm.downstream.detection import SimpleFeaturePyramid
    neck = SimpleFeaturePyramid(in_channels=128, out_channels=64)
    with pytest.raises(ValueError, match=r'takes one map \(N, 128, H, W\)'):
        neck((torch.zeros(1, 96, 8, 8), ))


# -- every config -------------------------------------------------------------

def test_there_are_the_configs():
    names = [osp.basename(p) for p in CONFIGS]
    # 2 detectors x (ViT-B, Mobile-Former-508M) x (ft, frozen) + demos
    assert sum('_coco.py' in n for n in names) == 8
    assert sum('demo-coco-128px' in n for n in names) == 8
    # transfer_det's ranking set (64 px): Mask R-CNN, tiny ViT, ft / frozen
    assert sum('demo-coco-64px' in n for n in names) == 2


def test_ranking_config_matches_transfer_det_set():
    """The 64 px configs point at the set transfer_det --set rank makes,
    at its size, and train its schedule by default."""
    transfer_det = _load_tool('tools/benchmarks/transfer_det.py')
    rank = transfer_det.SETS['rank']
    cfg = Config.fromfile(osp.join(
        MMDET, 'demo/mask-rcnn_vit-tiny-p4-sfp_ft_demo-coco-64px.py'))
    assert cfg.train_dataloader.dataset.data_root.rstrip('/') == \
        rank['data_root']
    assert cfg.test_evaluator.ann_file.startswith(rank['data_root'] + '/')
    scales = [t['scale'] for t in cfg.train_dataloader.dataset.pipeline +
              cfg.test_dataloader.dataset.pipeline if t['type'] == 'Resize']
    assert scales == [(rank['data']['img_size'], ) * 2] * 2
    assert cfg.train_cfg.max_iters == rank['det_iters']
    assert cfg.train_dataloader.batch_size == rank['det_batch']
    assert cfg.param_scheduler[1].milestones == [
        rank['det_iters'] * 2 // 3, rank['det_iters'] * 11 // 12]


@pytest.mark.parametrize('cfg_path', CONFIGS,
                         ids=[osp.basename(p) for p in CONFIGS])
def test_config_builds_its_model(cfg_path):
    cfg = Config.fromfile(cfg_path)
    model = build(cfg)
    trainable = [p.requires_grad for p in model.backbone.parameters()]
    assert not any(trainable) if '-frozen' in cfg_path or '_frozen_' in \
        cfg_path else all(trainable)
    if '_coco.py' in cfg_path:  # the checkpoint comes with --pretrained
        assert 'init_cfg' not in cfg.model.backbone
    assert backbone_neck_mismatch(model, cfg.model.backbone) == ''
    hooks = [h['type'] for h in cfg.default_hooks.values() if h]
    assert 'mmpretrain.DetBackboneNeckCheckHook' in hooks
    assert 'mmpretrain.CheckpointCompatibilityHook' in hooks


# -- end to end ---------------------------------------------------------------

# The data path differs by detector only (RetinaNet loads no masks): one
# run of each, the other encoder each time; forward/backward of all four
# pairs is tested above.
@pytest.mark.parametrize('detector, encoder', [
    ('mask-rcnn', 'vit-tiny-p4-sfp'), ('retinanet', 'mobile-former-tiny-fpn')])
def test_tools_train_and_test_run_a_demo_config(detector, encoder, demo_set,
                                                pretrain_ckpts, tmp_path,
                                                monkeypatch):
    """tools/train.py --pretrained, then tools/test.py: COCO metrics."""
    cfg_path = DEMO.format(f'{detector}_{encoder}', 'ft')
    root = demo_set['out_dir'] + '/'
    data = [f'{s}_dataloader.dataset.data_root={root}'
            for s in ('train', 'val', 'test')] + \
        [f'{s}_evaluator.ann_file={demo_set[f"{s}_json"]}'
         for s in ('val', 'test')]
    # keep every box: after 2 iterations RetinaNet's scores are ~0.01
    data.append('model.test_cfg.' + ('rcnn.' if detector == 'mask-rcnn'
                                     else '') + 'score_thr=0.0')
    monkeypatch.setattr(sys, 'argv', [
        'train.py', cfg_path, '--work-dir', str(tmp_path), '--pretrained',
        pretrain_ckpts[encoder], '--cfg-options', 'train_cfg.max_iters=2',
        'train_cfg.val_interval=2', 'default_hooks.checkpoint.interval=2',
        'train_dataloader.batch_size=2', f'visualizer.name={tmp_path}'] + data)
    _load_tool('tools/train.py').main()
    monkeypatch.setattr(sys, 'argv', [
        'test.py', cfg_path, str(tmp_path / 'iter_2.pth'), '--work-dir',
        str(tmp_path / 'test'), '--cfg-options',
        f'visualizer.name={tmp_path}/test'] + data)
    _load_tool('tools/test.py').main()
    (log, ) = glob.glob(str(tmp_path / 'test' / '*' / '*.json'))
    with open(log) as f:
        metrics = json.loads(f.read().strip().splitlines()[-1])
    assert 0 <= metrics['coco/bbox_mAP'] <= 1
    assert ('coco/segm_mAP' in metrics) == (detector == 'mask-rcnn')


def test_transfer_det_smoke_has_every_row(pretrain_ckpts, tmp_path):
    ckpts = [f'{m}={pretrain_ckpts[m]}' for m in METHODS]
    cmd = [sys.executable, 'tools/benchmarks/transfer_det.py', '--smoke',
           '--seeds', '2', '--out-dir', str(tmp_path), '--ckpt'] + ckpts
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    rows = [line.split('|')[1:-1] for line in out.stdout.splitlines()
            if line.startswith('| ') and 'method' not in line]
    assert [r[0].strip() for r in rows] == ['random-init'] + METHODS
    for cells in rows:  # mean ± std over the 2 seeds, both seeds listed
        assert '±' in cells[1] and len(cells[2].split('/')) == 2
    assert rows[0][3].strip() == '-' and all('±' in r[3] for r in rows[1:])
    assert 'ranks (gap > 3x spread, >= 2 seeds):' in out.stdout
    stages = 2 * (len(METHODS) + 1)               # progress with an ETA
    assert f'[{stages}/{stages}] detector from' in out.stdout
    assert 'ETA' in out.stdout
    with open(tmp_path / 'transfer_det.json') as f:
        result = json.load(f)
    default_jobs = min(2, _load_tool(
        'tools/benchmarks/engine/runs.py').usable_cores())
    assert result['jobs'] == default_jobs  # 2 (parallel) on 2+ cores
    assert [(r['method'], r['seed']) for r in result['runs']] == [
        (m, s) for s in (0, 1) for m in ['random-init'] + METHODS]
    with open(tmp_path / 'data' / 'meta.json') as f:
        data_set = json.load(f)['args']  # the set every result was made on
    for run in result['runs']:
        assert {'coco/bbox_mAP', 'coco/bbox_mAP_50', 'coco/segm_mAP'} <= \
            set(run['metrics'])
        assert run['data_set'] == data_set
    # every run is a stage: a rerun reads them back and trains nothing
    again = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr[-3000:]
    assert ': trained ' in out.stdout and ': trained ' not in again.stdout
    table = [line for line in out.stdout.splitlines() if line.startswith('|')]
    assert table == [line for line in again.stdout.splitlines()
                     if line.startswith('|')]
    # detector options (ViTDet's layer-wise LR decay): results made without
    # them are not read back, and the options reach every detector
    options = {'optim_wrapper.constructor':
               'mmpretrain.BackboneLayerDecayOptimWrapperConstructor',
               'optim_wrapper.paramwise_cfg.layer_decay_rate': 0.7}
    lrd = subprocess.run(  # and one run at a time, in this process
        cmd + ['--jobs', '1', '--cfg-options']
        + [f'{k}={v}' for k, v in options.items()],
        cwd=ROOT, capture_output=True, text=True)
    assert lrd.returncode == 0, lrd.stdout[-3000:] + lrd.stderr[-3000:]
    assert lrd.stdout.count(': trained ') == stages
    with open(tmp_path / 'transfer_det.json') as f:
        result = json.load(f)
    assert result['cfg_options'] == options and result['jobs'] == 1
    assert all(run['cfg_options'] == options for run in result['runs'])
    for log in glob.glob(str(tmp_path / 'det' / '*' / 'run.log')):
        with open(log) as f:
            assert 'BackboneLayerDecayOptimWrapperConstructor' in f.read()


def test_transfer_det_reruns_a_detector_when_a_config_changed(
        tmp_path, monkeypatch):
    """A cached detector result is read back only when the detector
    config, the pretraining config, the detection set and --cfg-options
    are the same."""
    transfer_det = _load_tool('tools/benchmarks/transfer_det.py')
    trained = []
    monkeypatch.setattr(transfer_det, 'train_detector',
                        lambda *a: trained.append(a) or dict(metrics={}))
    args = argparse.Namespace(out_dir=str(tmp_path), cfg_options=None)
    os.makedirs(tmp_path / 'det' / 'mae_seed0')
    digests = dict(detector_config_sha256='d1', pretrain_config_sha256='p1',
                   data_set=dict(img_size=64, num_train=1200, num_val=300,
                                 object_sides=[20.0, 40.0]))

    def run(ckpt='ckpt.pth', **changes):
        return transfer_det.detector_stage('det.py', 'mae', ckpt, 0,
                                           args, {}, dict(digests, **changes))

    assert run()[1] is False and run()[1] is True and len(trained) == 1
    assert run(detector_config_sha256='d2')[1] is False
    assert run(detector_config_sha256='d2')[1] is True
    assert run('other.pth', detector_config_sha256='d2')[1] is False
    assert run(detector_config_sha256='d2')[1] is False  # back to ckpt.pth
    assert run(detector_config_sha256='d2', pretrain_config_sha256='p2')[
        1] is False
    args.cfg_options = {'optim_wrapper.optimizer.lr': 1e-3,
                        'model.neck.scale_factors': (1.0, 0.5)}  # a tuple
    assert run(detector_config_sha256='d2', pretrain_config_sha256='p2')[
        1] is False
    assert run(detector_config_sha256='d2', pretrain_config_sha256='p2')[
        1] is True  # the same options read back (JSON made the tuple a list)
    args.cfg_options = {'optim_wrapper.optimizer.lr': 1e-3}
    assert run(detector_config_sha256='d2', pretrain_config_sha256='p2')[
        1] is False
    changed = dict(detector_config_sha256='d2', pretrain_config_sha256='p2')
    bigger_val = dict(digests['data_set'], num_val=3000)
    assert run(**changed, data_set=bigger_val)[1] is False  # another val set
    assert run(**changed, data_set=bigger_val)[1] is True
    assert len(trained) == 8


def test_transfer_det_ema_reaches_the_detector_and_its_record(
        tmp_path, monkeypatch):
    """--ema M adds MMEngine's EMAHook (momentum M) to every detector, as a
    recorded --cfg-options entry, so results made without it rerun; a
    momentum outside (0, 1) is refused with the fix."""
    transfer_det = _load_tool('tools/benchmarks/transfer_det.py')
    argv = ['transfer_det.py', '--out-dir', str(tmp_path), '--ema']
    monkeypatch.setattr(sys, 'argv', argv + ['1.5'])
    with pytest.raises(SystemExit):
        transfer_det.parse_args()
    monkeypatch.setattr(sys, 'argv', argv + ['0.02', '--cfg-options',
                                             'optim_wrapper.optimizer.lr=1e-3'])
    args = transfer_det.parse_args()
    sizes = transfer_det.resolve(args)
    assert args.cfg_options['optim_wrapper.optimizer.lr'] == 1e-3
    assert args.cfg_options['custom_hooks'] == [dict(
        type='EMAHook', momentum=0.02, update_buffers=True, priority=49)]
    cfg = transfer_det.detector_cfg(
        'configs/benchmarks/mmdet/demo/'
        'mask-rcnn_vit-tiny-p4-sfp_ft_demo-coco-64px.py', 'ema', None, 0,
        args, sizes)
    cfg.visualizer.name = str(tmp_path)
    runner = Runner.from_cfg(cfg)
    (ema, ) = [h for h in runner.hooks if type(h).__name__ == 'EMAHook']
    assert ema.ema_cfg['momentum'] == 0.02


def test_transfer_det_pretrain_options_reach_the_pretraining(monkeypatch):
    """With --pretrain-here, --pretrain-options change every method's
    pretraining config, so its digest (a cached pretraining made without
    them reruns), and tag the default out dir; they go after --start, which
    gives every method the same start (MAE's by default)."""
    transfer_det = _load_tool('tools/benchmarks/transfer_det.py')

    def resolved(*argv):
        monkeypatch.setattr(sys, 'argv', ['transfer_det.py', *argv])
        args = transfer_det.parse_args()
        transfer_det.resolve(args)
        return args

    args = resolved('--pretrain-here', '--pretrain-options',
                    'model.backbone.mae_init=False')
    assert '_popts' in osp.basename(args.out_dir)
    encoder = transfer_det.ENCODERS['vit-tiny'][0]
    plain = transfer_det.short_pretrain_config(
        'masked-finola-b', encoder, 10, 4,
        transfer_det.method_options(args.pretrain_options, 'masked-finola-b'))
    shared = transfer_det.short_pretrain_config(
        'masked-finola-b', encoder, 10, 4)
    assert plain.model.backbone.mae_init is False
    assert shared.model.backbone.mae_init is True
    assert transfer_det.config_digest(plain) != \
        transfer_det.config_digest(shared)
    # METHOD:KEY=VAL is for that method only
    options = {'masked-finola-b:model.backbone.mae_init': False,
               'model.neck.channels': 512}
    assert transfer_det.method_options(options, 'masked-finola-b') == {
        'model.backbone.mae_init': False, 'model.neck.channels': 512}
    assert transfer_det.method_options(options, 'mae') == {
        'model.neck.channels': 512}
    # one start for every method: MAE's by default, untagged, or plain
    for start, mae_init, tag in (('mae', True, ''),
                                 ('plain', False, '_plain-start')):
        here = resolved('--pretrain-here', '--start', start)
        assert here.out_dir.endswith(tag) and '_popts' not in here.out_dir
        for method in METHODS:
            picked = transfer_det.method_options(here.pretrain_options,
                                                 method)
            assert picked == {'model.backbone.mae_init': mae_init}
            assert transfer_det.short_pretrain_config(
                method, encoder, 10, 4, picked).model.backbone.mae_init \
                is mae_init
    assert resolved('--pretrain-here', '--encoder', 'mobile-former-tiny'
                    ).pretrain_options is None  # its configs have no switch
    # the default takes the classification benchmark's checkpoints
    default = resolved()
    assert default.from_benchmark == 'cifar10' and not default.pretrain_here
    assert 'from-cifar10' in osp.basename(default.out_dir)
    assert resolved('--ckpt', 'mae=x.pth').from_benchmark is None
    # a prefix that names no method, or options with nothing to pretrain
    for bad in (['--pretrain-here', '--pretrain-options',
                 'masked-finola-x:model.a=1'],
                ['--pretrain-options', 'model.a=1', '--ckpt', 'mae=x.pth'],
                ['--start', 'plain'],
                ['--pretrain-here', '--ckpt', 'mae=x.pth']):
        monkeypatch.setattr(sys, 'argv', ['transfer_det.py'] + bad)
        with pytest.raises(SystemExit):
            transfer_det.parse_args()


def test_transfer_det_takes_the_benchmark_checkpoints_per_seed(
        tmp_path, monkeypatch):
    """--from-benchmark reads compare_ssl's pretraining stages: detector
    seed k gets pretraining seed k; a missing one is an error that names
    the compare_ssl command; every row gets the checkpoints' normalisation,
    and --split val scores val and never the test split."""
    compare_ssl = _load_tool('tools/benchmarks/compare_ssl.py')
    transfer_det = _load_tool('tools/benchmarks/transfer_det.py')
    work = tmp_path / 'bench'
    for seed in (0, 1):
        run = work / f'mae_seed{seed}'
        run.mkdir(parents=True)
        ckpt = run / 'iter_2.pth'
        ckpt.write_bytes(b'x')
        (run / 'pretrain.json').write_text(json.dumps(dict(
            checkpoint=str(ckpt))))
    found = compare_ssl.benchmark_checkpoints('cifar10', ['mae'], 2,
                                              work_dir=str(work))
    assert found == {('mae', s): str(work / f'mae_seed{s}' / 'iter_2.pth')
                     for s in (0, 1)}
    with pytest.raises(SystemExit, match='compare_ssl.py --dataset cifar10'
                       '.*--seeds 3 --methods mae simmim'):
        compare_ssl.benchmark_checkpoints('cifar10', ['mae', 'simmim'], 3,
                                          work_dir=str(work))
    monkeypatch.setattr(sys, 'argv', ['transfer_det.py', '--split', 'val',
                                      '--out-dir', str(tmp_path / 'out')])
    args = transfer_det.parse_args()
    sizes = transfer_det.resolve(args)
    args.normalisation = dict(mean=[1.0, 2.0, 3.0], std=[4.0, 5.0, 6.0])
    cfg = transfer_det.detector_cfg(
        'configs/benchmarks/mmdet/demo/'
        'mask-rcnn_vit-tiny-p4-sfp_ft_demo-coco-64px.py', 'x', None, 0,
        args, sizes)
    assert cfg.model.data_preprocessor.mean == [1.0, 2.0, 3.0]
    assert cfg.test_evaluator.ann_file.endswith('instances_val.json')
    assert cfg.test_dataloader.dataset.ann_file.endswith(
        'instances_val.json')
    scored = json.dumps(cfg.test_dataloader.dataset.to_dict())
    assert 'instances_test' not in scored and '"test/"' not in scored


def test_checkpoints_of_two_normalisations_are_refused(tmp_path):
    """Transfer rows must share the input scale: the checkpoints'
    data_preprocessor (from their meta's config) is read, and two different
    ones are an error naming both files."""
    from tools.benchmarks import engine
    paths = []
    for name, mean in (('a', 72.94), ('b', 125.3), ('c', 72.94)):
        cfg = f"data_preprocessor = dict(mean=[{mean}] * 3, std=[90.0] * 3)\nmodel = dict(type='X')\n"
        path = str(tmp_path / f'{name}.pth')
        torch.save(dict(state_dict={}, meta=dict(cfg=cfg)), path)
        paths.append(path)
    torch.save(dict(state_dict={}), str(tmp_path / 'bare.pth'))
    assert engine.checkpoint_normalisation(paths[0]) == dict(
        mean=[72.94] * 3, std=[90.0] * 3)
    assert engine.checkpoint_normalisation(str(tmp_path / 'bare.pth')) is None
    assert engine.shared_normalisation(
        [paths[0], paths[2], str(tmp_path / 'bare.pth')])['mean'] == \
        [72.94] * 3
    with pytest.raises(SystemExit, match='different input normalisations'):
        engine.shared_normalisation(paths)


def test_transfer_det_failure_cancels_the_queued_runs():
    """A failed run stops the benchmark at once: queued runs are
    cancelled, not all run before the error shows."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor
    transfer_det = _load_tool('tools/benchmarks/transfer_det.py')
    ran, release = [], threading.Event()

    def work(i):
        if i == 0:
            release.wait(5)
            raise RuntimeError('run 0 failed')
        time.sleep(0.5)  # run 1 starts as run 0 fails; 2 and 3 must not
        ran.append(i)

    with pytest.raises(RuntimeError, match='run 0 failed'):
        with ThreadPoolExecutor(1) as pool, \
                transfer_det.cancel_on_failure(pool):
            futures = [pool.submit(work, i) for i in range(4)]
            release.set()
            futures[0].result()
    assert 2 not in ran and 3 not in ran  # without it: [1, 2, 3]


@pytest.mark.parametrize('method', METHODS)
def test_transfer_det_pretraining_options_fit_the_configs(method, tmp_path,
                                                          monkeypatch):
    """The config it would train (no run): the pretraining config with its
    schedule shortened consistently."""
    from tools.benchmarks.engine import runs
    transfer_det = _load_tool('tools/benchmarks/transfer_det.py')
    configs = []
    monkeypatch.setattr(runs, 'train_in_subprocess',
                        lambda cfg, work_dir: configs.append(cfg) or 0.)
    ckpt = transfer_det.pretrain(method, 'vit-tiny', 200, 32, str(tmp_path))
    (cfg, ) = configs
    assert ckpt.endswith('iter_200.pth')
    assert cfg.train_dataloader.batch_size == 32
    warmup, cosine = cfg.param_scheduler
    assert int(cfg.train_cfg.max_iters) == int(cosine.end) == 200
    assert int(warmup.end) == int(cosine.begin) == 20


def test_a_short_detector_beats_chance(tmp_path):
    """Transfer works end to end: the ranking-set Mask R-CNN, from random
    init, 100 iterations on 48 generated 64 px images, finds objects in
    held-out images (chance is 0 bbox mAP; measured 7.3)."""
    from tools.benchmarks.engine import train_and_test
    from tools.data.make_demo_coco import make_demo_coco
    made = make_demo_coco(str(tmp_path / 'coco'), img_size=64,
                          max_objects=3, object_sides=(20, 40),
                          style='plain', num_train=48, num_val=16,
                          num_test=16, fmnist_root=FMNIST_ROOT)
    cfg = Config.fromfile(DEMO_64)
    root, iters = made['out_dir'] + '/', 100
    cfg.merge_from_dict({
        **{f'{s}_dataloader.dataset.data_root': root
           for s in ('train', 'val', 'test')},
        'val_evaluator.ann_file': made['val_json'],
        'train_cfg.max_iters': iters, 'param_scheduler.0.end': iters // 10,
        'param_scheduler.1.end': iters,
        'param_scheduler.1.milestones': [iters * 2 // 3, iters * 11 // 12],
        'default_hooks.checkpoint.interval': iters})
    cfg.test_dataloader, cfg.test_evaluator = (cfg.val_dataloader,
                                               cfg.val_evaluator)
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.work_dir = str(tmp_path / 'work')
    cfg.experiment_name = cfg.visualizer.name = 'det_beats_chance'
    metrics = train_and_test(cfg, str(tmp_path / 'run.log'))['metrics']
    assert metrics['coco/bbox_mAP'] > 0.01, metrics


def test_transfer_verdict_skips_a_row_without_the_metric(monkeypatch):
    """A row whose detectors found nothing (CocoMetric returns no mAP) is
    no candidate and no crash; a control without it gives no verdict; a
    benchmark without configs for the encoder is refused with the way
    out."""
    from tools.benchmarks.engine import transfer
    runs = [dict(method=m, seed=s, v=v) for m, vals in (
        ('random-init', (10.0, 11.0)), ('mae', (None, None)),
        ('masked-finola-b', (14.0, 14.5))) for s, v in enumerate(vals)]
    rows = transfer.seed_rows(runs, ['random-init', 'mae',
                                     'masked-finola-b'], lambda r: r['v'])
    v = transfer.verdict(rows, 'bbox mAP')
    assert v['best'] == 'masked-finola-b' and v['gap'] == pytest.approx(3.75)
    assert v['ranks'] is True                        # 3.75 > 3 x 1.0
    assert 'ranks (gap > 3x spread, >= 2 seeds): yes' in \
        transfer.verdict_line(v)
    assert rows['masked-finola-b']['delta_mae'] == (None, None)
    none = transfer.seed_rows([dict(method='random-init', seed=0, v=None)],
                              ['random-init'], lambda r: r['v'])
    assert transfer.verdict_line(transfer.verdict(none, 'mIoU')).startswith(
        'no verdict')
    transfer_det = _load_tool('tools/benchmarks/transfer_det.py')
    monkeypatch.setattr(sys, 'argv', ['transfer_det.py', '--encoder',
                                      'mobile-former-tiny'])
    with pytest.raises(SystemExit):   # no CIFAR-10 Mobile-Former configs
        transfer_det.parse_args()
