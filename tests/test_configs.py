"""Every config in configs/ builds and trains one iteration on tiny data."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.runner import Runner

from conftest import ROOT

# MMDetection and MMSegmentation configs run under their own data;
# tests/test_detection.py and tests/test_segmentation.py train them.
CONFIGS = sorted(
    p for p in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'),
                         recursive=True)
    if '_base_' not in p and osp.join('benchmarks', 'mmdet') not in p
    and osp.join('benchmarks', 'mmseg') not in p)


def test_there_are_configs():
    assert len(CONFIGS) >= 10


@pytest.mark.parametrize('cfg_path', CONFIGS,
                         ids=[osp.basename(p) for p in CONFIGS])
def test_config_trains_one_iteration(cfg_path, tiny_cfg, image_folder,
                                     cifar_folder, tmp_path):
    cfg = tiny_cfg(cfg_path, tmp_path, image_folder, iters=1, batch=2,
                   cifar_folder=cifar_folder)
    runner = Runner.from_cfg(cfg)
    before = {k: v.clone() for k, v in runner.model.state_dict().items()}
    runner.train()
    after = runner.model.state_dict()
    assert runner.iter == 1
    changed = [k for k in before if not torch.equal(before[k], after[k])]
    if 'finola' in osp.basename(cfg_path):
        assert any('finola.A' in k for k in changed), 'FINOLA A not trained'
    assert any(k.startswith(('neck.', 'head.')) for k in changed)
    assert any(k.startswith('backbone.') for k in changed)
    assert osp.isfile(osp.join(tmp_path, 'iter_1.pth'))


ALL_CONFIGS = sorted(p for p in glob.glob(
    osp.join(ROOT, 'configs', '**', '*.py'), recursive=True)
    if '_base_' not in p)
GUARDS = ('CheckpointCompatibilityHook', 'NonFiniteGuardHook', 'PreemptionHook')


def hook_types(hooks):
    return [h['type'].split('.')[-1] for h in hooks if h]


@pytest.mark.parametrize('cfg_path', ALL_CONFIGS,
                         ids=[osp.basename(p) for p in ALL_CONFIGS])
def test_every_config_inherits_the_guards_by_key(cfg_path):
    """The guards sit in default_hooks under their own keys, so replacing
    custom_hooks (a list, replaced wholesale) cannot drop them."""
    from mmengine.config import Config
    cfg = Config.fromfile(cfg_path)
    cfg.merge_from_dict(dict(custom_hooks=[]))
    kept = hook_types(cfg.default_hooks.values())
    assert all(g in kept for g in GUARDS), (cfg_path, kept)
    if osp.join('benchmarks', 'mmdet') in cfg_path:
        assert 'DetBackboneNeckCheckHook' in kept
    assert not set(GUARDS) & set(hook_types(cfg.get('custom_hooks', [])))


def test_a_guard_is_switched_off_by_key():
    from tools import train as train_tool
    from mmengine.config import Config
    cfg = Config.fromfile(ALL_CONFIGS[0])
    cfg.merge_from_dict({'default_hooks.non_finite_guard': None,
                         'default_hooks.timer': None})
    train_tool.drop_disabled_hooks(cfg)
    assert 'non_finite_guard' not in cfg.default_hooks
    assert cfg.default_hooks.timer is None     # MMEngine's own: it pops it
    assert 'checkpoint_compat' in cfg.default_hooks
