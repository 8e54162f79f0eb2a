"""Every config in configs/ builds and trains one iteration on tiny data."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.runner import Runner

from conftest import ROOT

# MMDetection configs run under MMDetection's data; tests/test_detection.py
# trains them.
CONFIGS = sorted(
    p for p in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'),
                         recursive=True)
    if '_base_' not in p and osp.join('benchmarks', 'mmdet') not in p)


def test_there_are_configs():
    assert len(CONFIGS) >= 10


@pytest.mark.parametrize('cfg_path', CONFIGS,
                         ids=[osp.basename(p) for p in CONFIGS])
def test_config_trains_one_iteration(cfg_path, tiny_cfg, image_folder,
                                     tmp_path):
    cfg = tiny_cfg(cfg_path, tmp_path, image_folder, iters=1, batch=2)
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
