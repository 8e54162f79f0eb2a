"""Segmentation transfer through MMSegmentation: the demo set, the configs,
training from a pretraining checkpoint, and the clear errors."""
import glob
import json
import os.path as osp
import subprocess
import sys
from types import SimpleNamespace

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from conftest import FMNIST_ROOT, ROOT
from finola_mm.engine.hooks import CheckpointCompatibilityHook

SEG = osp.join(ROOT, 'configs/benchmarks/mmseg')
DEMO = osp.join(SEG, 'demo/upernet_{}_{}_demo-seg-128px.py')


@pytest.fixture(scope='module')
def seg_set(tmp_path_factory):
    from tools.data.make_demo_seg import make_demo_seg
    root = tmp_path_factory.mktemp('seg')
    return make_demo_seg(str(root / 'seg'), str(root / 'coco'),
                         num_train=4, num_val=2, img_size=128, seed=0,
                         fmnist_root=FMNIST_ROOT)


def pretrain_ckpt(method, encoder, path) -> str:
    """A pretraining model's freshly initialised weights, as a checkpoint."""
    from tools.benchmarks.engine import pretrain_config
    from mmpretrain.registry import MODELS
    init_default_scope('mmpretrain')
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(pretrain_config(method,
                                                         encoder)).model)
    model.init_weights()
    torch.save(dict(state_dict=model.state_dict(), meta={}), str(path))
    return str(path)


def tiny(cfg_path, seg_set, work_dir, iters=1, ckpt=None):
    cfg = Config.fromfile(cfg_path)
    for split in ('train', 'val', 'test'):
        loader = cfg[f'{split}_dataloader']
        loader.dataset.data_root = seg_set['out_dir']
        loader.batch_size = 2
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=iters,
                         val_interval=iters + 1)
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.default_hooks.checkpoint.interval = iters
    cfg.default_hooks.logger.interval = 1
    if ckpt:
        cfg.model.backbone.init_cfg = dict(type='Pretrained', checkpoint=ckpt,
                                           prefix='backbone.')
    cfg.work_dir = str(work_dir)
    cfg.experiment_name = cfg.visualizer.name = osp.basename(str(work_dir))
    return cfg


def test_class_maps_are_the_coco_masks(seg_set):
    from pycocotools.coco import COCO
    coco_dir = osp.join(osp.dirname(seg_set['out_dir']), 'coco')
    coco = COCO(osp.join(coco_dir, 'annotations', 'instances_train.json'))
    for image_id in coco.getImgIds():
        name = coco.loadImgs(image_id)[0]['file_name']
        seg = cv2.imread(osp.join(seg_set['out_dir'], 'ann_dir', 'train',
                                  name), cv2.IMREAD_UNCHANGED)
        assert seg.dtype == np.uint8 and seg.ndim == 2
        expect = np.zeros_like(seg)
        for ann in coco.loadAnns(coco.getAnnIds(imgIds=image_id)):
            expect[coco.annToMask(ann) > 0] = ann['category_id']
        assert np.array_equal(seg, expect) and seg.max() > 0
    # made once: a second call finds it
    from tools.data.make_demo_seg import make_demo_seg
    again = make_demo_seg(seg_set['out_dir'], coco_dir, num_train=4,
                          num_val=2, img_size=128, seed=0,
                          fmnist_root=FMNIST_ROOT)
    assert again['skipped'] and again['summary'] == seg_set['summary']


def seg_configs():
    return sorted(glob.glob(osp.join(SEG, '*', '*.py')))


def test_there_are_the_configs():
    names = [osp.basename(p) for p in seg_configs()]
    # every encoder with pretraining configs, fine-tuned and frozen
    for enc in ('vit-base-p16', 'mobile-former-508m'):
        for mode in ('ft', 'frozen'):
            assert f'upernet_{enc}_{mode}_160k_ade20k-512px.py' in names
    for enc in ('vit-tiny-p4', 'mobile-former-tiny'):
        for mode in ('ft', 'frozen'):
            assert f'upernet_{enc}_{mode}_demo-seg-128px.py' in names


@pytest.mark.parametrize('cfg_path', [
    p for p in seg_configs() if '_base_' not in p and
    ('demo' in p or 'vit-base-p16_ft' in p or '_frozen_160k' in p)])
def test_config_builds_its_model_with_the_guards(cfg_path):
    import finola_mm.downstream.segmentation  # noqa: F401
    from mmseg.registry import MODELS
    cfg = Config.fromfile(cfg_path)
    init_default_scope('mmseg')
    model = MODELS.build(cfg.model)
    assert type(model).__name__ == 'EncoderDecoder'
    hooks = [h['type'] for h in cfg.default_hooks.values() if h]
    for guard in ('SegBackboneHeadCheckHook', 'CheckpointCompatibilityHook',
                  'NonFiniteGuardHook', 'PreemptionHook'):
        assert f'mmpretrain.{guard}' in hooks
    if 'ade20k' in cfg_path:
        assert cfg.train_cfg.max_iters == 160000
        assert cfg.model.decode_head.num_classes == 150
        assert 'init_cfg' not in cfg.model.backbone  # from --pretrained
    if 'frozen' in cfg_path:
        frozen = [p for n, p in model.backbone.named_parameters()]
        assert not any(p.requires_grad for p in frozen)


def test_ade20k_recipe_decays_the_lr_by_layer():
    """MMSeg's MAE recipe: AdamW 1e-4 and decay 0.65 per ViT-B layer, the
    heads at the full LR."""
    import finola_mm.downstream.segmentation  # noqa: F401
    from mmengine.optim import build_optim_wrapper
    from mmseg.registry import MODELS
    cfg = Config.fromfile(osp.join(
        SEG, 'ade20k/upernet_vit-base-p16_ft_160k_ade20k-512px.py'))
    init_default_scope('mmseg')
    model = MODELS.build(cfg.model)
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    lr = {g['param_name']: g['lr'] for g in optim.optimizer.param_groups}
    assert lr['decode_head.conv_seg.weight'] == pytest.approx(1e-4)
    assert lr['backbone.layers.11.ffn.layers.1.weight'] == pytest.approx(
        1e-4 * 0.65)
    assert lr['backbone.patch_embed.projection.weight'] == pytest.approx(
        1e-4 * 0.65 ** 13)


@pytest.mark.parametrize('encoder,method', [('vit-tiny-p4', 'mae'),
                                            ('mobile-former-tiny',
                                             'masked-finola-b')])
def test_frozen_segmentor_keeps_the_pretrained_encoder(encoder, method,
                                                       seg_set, tmp_path):
    """A pretraining checkpoint loads into the demo segmentor's backbone,
    frozen training leaves it as loaded, and the test loop gives mIoU."""
    ckpt = pretrain_ckpt(method, encoder, tmp_path / 'pre.pth')
    cfg = tiny(DEMO.format(encoder, 'frozen'), seg_set, tmp_path / 'run',
               iters=2, ckpt=ckpt)
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.test()
    assert 0 <= metrics['mIoU'] <= 100
    saved = torch.load(ckpt, weights_only=True)['state_dict']
    for name, value in runner.model.backbone.state_dict().items():
        expect = saved['backbone.' + name]
        if name == 'pos_embed':  # MAE's class-token position is dropped
            expect = expect[:, -value.shape[1]:]
        assert torch.equal(value, expect), name


def test_label_outside_the_classes_names_the_file(seg_set, tmp_path):
    import shutil
    root = tmp_path / 'bad'
    shutil.copytree(seg_set['out_dir'], root)
    (path, ) = sorted((root / 'ann_dir' / 'val').glob('*.png'))[:1]
    seg = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    seg[0, 0] = 20
    cv2.imwrite(str(path), seg)
    import finola_mm.downstream.segmentation  # noqa: F401
    from mmseg.registry import DATASETS
    cfg = Config.fromfile(DEMO.format('vit-tiny-p4', 'ft'))
    init_default_scope('mmseg')
    dataset = DATASETS.build(dict(cfg.val_dataloader.dataset,
                                  data_root=str(root)))
    with pytest.raises(ValueError, match=rf'(?s){path.name}.*ids \[20\].*'
                       r'outside the 11 classes'):
        dataset[0]


def test_heads_that_do_not_fit_say_what_to_set(seg_set, tmp_path):
    cfg = tiny(DEMO.format('vit-tiny-p4', 'ft'), seg_set, tmp_path)
    cfg.model.decode_head.in_channels = [128, 64, 64, 64]
    runner = Runner.from_cfg(cfg)
    with pytest.raises(ValueError, match=r'(?s)channels \[64, 64, 64, 64\]'
                       r'.*set model\.decode_head\.in_channels='
                       r'\[64, 64, 64, 64\]'):
        runner.train()
    cfg = tiny(DEMO.format('mobile-former-tiny', 'ft'), seg_set,
               tmp_path / 'b')
    cfg.model.auxiliary_head.in_index = 5
    with pytest.raises(ValueError, match='auxiliary_head reads in_index=5 '
                       'but there are 4 feature maps'):
        Runner.from_cfg(cfg).train()


def test_checkpoint_of_another_encoder_lists_the_keys(tmp_path):
    import finola_mm.downstream.segmentation  # noqa: F401
    from mmseg.registry import MODELS
    ckpt = pretrain_ckpt('simmim', 'mobile-former-tiny', tmp_path / 'mf.pth')
    cfg = Config.fromfile(DEMO.format('vit-tiny-p4', 'ft'))
    cfg.model.backbone.init_cfg = dict(type='Pretrained', checkpoint=ckpt,
                                       prefix='backbone.')
    init_default_scope('mmseg')
    model = MODELS.build(cfg.model)
    runner = SimpleNamespace(model=model, cfg=cfg)
    with pytest.raises(RuntimeError, match=r'(?s)does not fit the '
                       r'VisionTransformer backbone.*missing keys \(\d+\): '
                       r'layers\.'):
        CheckpointCompatibilityHook().before_train(runner)


def test_transfer_seg_smoke_has_every_row(seg_set, tmp_path):
    """Every method and the control at 2 seeds, paired differences, the
    verdict line, the diagnosis in each row, scored on test; --split val
    scores val and reads no test image."""
    methods = ('masked-finola-e', 'masked-finola-b', 'mae', 'simmim')
    ckpts = [f'{m}={pretrain_ckpt(m, "vit-tiny-p4", tmp_path / f"{m}.pth")}'
             for m in methods]
    cmd = [sys.executable, 'tools/benchmarks/transfer_seg.py', '--smoke',
           '--set', 'demo', '--data-root', seg_set['out_dir'], '--coco-root',
           osp.join(osp.dirname(seg_set['out_dir']), 'coco'), '--ckpt',
           *ckpts]
    out = subprocess.run(cmd + ['--out-dir', str(tmp_path / 'out')],
                         cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    rows = [line.split('|')[1:-1] for line in out.stdout.splitlines()
            if line.startswith('| ') and 'method' not in line]
    assert [r[0].strip() for r in rows] == ['random-init', *methods]
    assert all(len(r[2].split('/')) == 2 for r in rows)   # both seeds
    assert rows[0][3].strip() == '-' and all('±' in r[3] for r in rows[1:])
    assert 'ranks (gap > 3x spread, >= 2 seeds):' in out.stdout
    assert '[10/10] segmentor from' in out.stdout  # in any order with jobs
    assert 'segmentor from simmim, seed 1: mIoU' in out.stdout
    assert 'ETA' in out.stdout and 'on 2 test images' in out.stdout
    result = json.loads((tmp_path / 'out' / 'transfer_seg.json').read_text())
    assert result['split'] == 'test' and result['from_benchmark'] is None
    from tools.benchmarks.engine import usable_cores
    assert result['jobs'] == min(2, usable_cores())  # workers on 2+ cores
    assert [(r['method'], r['seed']) for r in result['runs']] == [
        (m, s) for s in (0, 1) for m in ['random-init', *methods]]
    for run in result['runs']:
        assert 0 <= run['metrics']['mIoU'] <= 100
        assert 'diag/object_px_as_background' in run['metrics']
    for log in glob.glob(str(tmp_path / 'out' / 'seg' / '*' / 'run.log')):
        assert 'img_dir/test' in open(log).read()
    val = subprocess.run(cmd + ['--seeds', '1', '--split', 'val',
                                '--out-dir', str(tmp_path / 'val')],
                         cwd=ROOT, capture_output=True, text=True)
    assert val.returncode == 0, val.stdout[-3000:] + val.stderr[-3000:]
    assert 'on 2 val images' in val.stdout
    for log in glob.glob(str(tmp_path / 'val' / 'seg' / '*' / 'run.log')):
        text = open(log).read()
        assert 'img_dir/val' in text and 'img_dir/test' not in text


def test_diagnosis_tells_missed_objects_from_wrong_classes():
    """Object pixels whose argmax is background, but whose best object class
    is right, count as missed objects with the right class; the confusion
    matrix and per-class IoU follow the argmax."""
    from finola_mm.downstream.segmentation.diagnosis import (pixel_counts,
                                                             summarize)
    label = torch.tensor([[0, 0, 1, 1], [2, 2, 255, 0]])
    logits = torch.zeros(3, 2, 4)
    logits[0] = 2.0                      # background wins everywhere ...
    logits[1, 0, 2:] = 1.0               # ... but class 1 is the best object
    logits[2, 1, :2] = 3.0               # class 2 found at its own pixels
    counts = pixel_counts(logits, label, num_classes=3)
    assert counts['pixels'].tolist() == [3, 2, 2]   # 255 ignored
    assert counts['confusion'].tolist() == [[3, 0, 0], [2, 0, 0], [0, 0, 2]]
    assert counts['fg_pixels'] == 4 and counts['fg_argmax_bg'] == 2
    assert counts['fg_class_right'] == 4 and counts['fg_objectness'] == 2
    out = summarize([counts, counts], ('bg', 'a', 'b'))
    assert out['IoU.bg'] == pytest.approx(100 * 6 / 10)
    assert out['IoU.a'] == 0 and out['IoU.b'] == 100
    assert out['objects_zero_iou'] == 1
    assert out['object_px_as_background'] == 50
    assert out['object_px_best_object_class_right'] == 100
    assert out['confusion'][1] == [4, 0, 0]


def test_a_short_segmentor_beats_background_only(tmp_path):
    """Transfer works end to end: the rank-set segmentor, from random init,
    100 iterations on 48 generated 64 px images, scores held-out images
    above the all-background prediction's mIoU by a margin (measured
    +8 points: 14.7 against 6.5) and finds objects."""
    from tools.benchmarks.engine import shorten_schedule, train_and_test
    from tools.data.make_demo_seg import make_demo_seg
    meta = make_demo_seg(str(tmp_path / 'seg'), str(tmp_path / 'coco'),
                         img_size=64, max_objects=3, object_sides=(20, 40),
                         style='plain', num_train=48, num_val=16,
                         num_test=16, fmnist_root=FMNIST_ROOT)
    pixels = meta['summary']['val']['pixels']
    background_only = 100 * pixels['background'] / sum(pixels.values()) / 11
    cfg = Config.fromfile(DEMO.replace('128px', '64px').format(
        'vit-tiny-p4', 'ft'))
    shorten_schedule(cfg, 100)
    cfg.default_hooks.checkpoint.interval = 100
    for split in ('train', 'val', 'test'):
        cfg[f'{split}_dataloader'].dataset.data_root = meta['out_dir']
    cfg.test_dataloader = cfg.val_dataloader
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.work_dir = str(tmp_path / 'work')
    cfg.experiment_name = cfg.visualizer.name = 'seg_beats_chance'
    metrics = train_and_test(cfg, str(tmp_path / 'run.log'))['metrics']
    assert metrics['mIoU'] > background_only + 4, (metrics, background_only)
    assert metrics['diag/object_px_as_background'] < 90


def test_ranking_config_matches_transfer_seg_set():
    """The 64 px segmentor config points at the set transfer_seg --set rank
    makes (the detection ranking set's images), at its size, scores its
    test split, and trains the chosen schedule by default."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        'transfer_seg', osp.join(ROOT, 'tools/benchmarks/transfer_seg.py'))
    transfer_seg = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(transfer_seg)
    rank = transfer_seg.SETS['rank']
    cfg = Config.fromfile(DEMO.replace('128px', '64px').format(
        'vit-tiny-p4', 'ft'))
    assert cfg.train_dataloader.dataset.data_root.rstrip('/') == \
        rank['data_root']
    assert cfg.test_dataloader.dataset.data_prefix.img_path == 'img_dir/test'
    assert cfg.val_dataloader.dataset.data_prefix.img_path == 'img_dir/val'
    assert cfg.model.data_preprocessor.size == (rank['px'], ) * 2
    assert rank['data']['img_size'] == rank['px']
    assert cfg.train_cfg.max_iters == rank['seg_iters']
    assert cfg.param_scheduler[-1].end == rank['seg_iters']
