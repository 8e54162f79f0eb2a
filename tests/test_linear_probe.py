"""The linear-probe config: a frozen pretrained encoder under a BN + linear
head."""
import os.path as osp

import pytest
import torch
from mmengine.hooks import Hook
from mmengine.runner import Runner

from conftest import ROOT

# (linear-probe config, a pretraining config of the same encoder)
PAIRS = {
    'vit-tiny': ('linear-probe_vit-tiny-p4_1xb256-500it_fmnist-32px.py',
                 'masked-finola-e_vit-tiny-p4_1xb64-1k_fmnist-32px.py'),
    'mobile-former-tiny': (
        'linear-probe_mobile-former-tiny_1xb256-500it_fmnist-32px.py',
        'masked-finola-b_mobile-former-tiny_1xb64-1k_fmnist-32px.py'),
}


class WeightsAtStart(Hook):
    """Keeps the weights as training starts (after init_weights)."""

    def before_train(self, runner):
        self.state = {k: v.clone()
                      for k, v in runner.model.state_dict().items()}


@pytest.mark.parametrize('encoder', sorted(PAIRS))
def test_linear_probe_trains_only_the_head_on_pretrained_weights(
        encoder, tiny_cfg, tmp_path):
    linear, pretrain = PAIRS[encoder]
    LINEAR = osp.join(ROOT, 'configs/benchmarks', linear)
    PRETRAIN = osp.join(ROOT, 'configs/masked_pretrain', pretrain)
    Runner.from_cfg(tiny_cfg(PRETRAIN, tmp_path / 'pre', iters=1)).train()
    ckpt = str(tmp_path / 'pre' / 'iter_1.pth')
    pretrained = torch.load(ckpt, weights_only=True)['state_dict']

    cfg = tiny_cfg(LINEAR, tmp_path / 'probe', iters=3, batch=4)
    cfg.model.backbone.init_cfg = dict(type='Pretrained', checkpoint=ckpt,
                                       prefix='backbone.')
    runner = Runner.from_cfg(cfg)
    start = WeightsAtStart()
    runner.register_hook(start)
    runner.train()
    after = runner.model.state_dict()

    encoder = [k for k in after if k.startswith('backbone.')]
    missing = [k for k in encoder if k not in pretrained]
    assert encoder and missing == []  # none missing
    for k in encoder:                  # loaded, then frozen
        assert torch.equal(start.state[k], pretrained[k]), k
        assert torch.equal(after[k], start.state[k]), f'{k} was trained'
    assert not torch.equal(after['head.fc.weight'],
                           start.state['head.fc.weight'])
