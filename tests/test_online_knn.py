"""OnlineKNNHook: kNN top-1 logged beside the loss during pretraining,
without changing what training computes."""
import json
import os.path as osp

import pytest
import torch
from mmengine.runner import Runner

from conftest import ROOT

CONFIGS = {m: osp.join(ROOT, 'configs/masked_pretrain',
                       f'{m}_vit-tiny-p4_1xb64-1k_fmnist-32px.py')
           for m in ('mae', 'masked-finola-e', 'masked-finola-b', 'simmim')}
HOOK = dict(type='OnlineKNNHook', interval=2, num_bank=24, num_query=16, k=5,
            batch_size=10)


def train(tiny_cfg, path, work_dir, knn: bool):
    cfg = tiny_cfg(path, work_dir, iters=4, batch=4)
    hooks = [h for h in cfg.get('custom_hooks', [])
             if h['type'] != 'OnlineKNNHook']
    cfg.custom_hooks = hooks + ([HOOK] if knn else [])
    runner = Runner.from_cfg(cfg)
    runner.train()
    return runner


def scalars(work_dir) -> list:
    import glob
    path, = glob.glob(osp.join(str(work_dir), '*', 'vis_data',
                               'scalars.json'))
    return [json.loads(line) for line in open(path)]


@pytest.mark.parametrize('method', ['mae', 'masked-finola-e'])
def test_knn_is_logged_and_training_is_unchanged(tiny_cfg, tmp_path, method):
    with_knn = train(tiny_cfg, CONFIGS[method], tmp_path / 'knn', True)
    logged = [r for r in scalars(tmp_path / 'knn') if 'knn/top1' in r]
    assert [r['step'] for r in logged] == [2, 4]
    assert all(0 <= r['knn/top1'] <= 100 for r in logged)
    # beside the loss, in the same scalars file
    assert any('loss' in r for r in scalars(tmp_path / 'knn'))
    without = train(tiny_cfg, CONFIGS[method], tmp_path / 'plain', False)
    a, b = with_knn.model.state_dict(), without.model.state_dict()
    assert a.keys() == b.keys()
    for key in a:  # the hook neither trains nor draws random numbers
        assert torch.equal(a[key], b[key]), key
    assert with_knn.model.training  # back in train mode


def test_knn_tracks_the_features(tiny_cfg, tmp_path):
    """The score is of the backbone: labels scrambled in the bank drop it
    to chance, so it is not a constant."""
    from mmengine.registry import init_default_scope
    from finola_mm.engine.hooks import OnlineKNNHook
    init_default_scope('mmpretrain')
    cfg = tiny_cfg(CONFIGS['mae'], tmp_path, iters=1, batch=4)
    cfg.custom_hooks = []
    runner = Runner.from_cfg(cfg)
    hook = OnlineKNNHook(num_bank=200, num_query=200, k=5)
    hook.before_train(runner)
    honest = hook.score(runner)['knn/top1']
    gen = torch.Generator().manual_seed(0)
    for data in hook.bank:
        for sample in data['data_samples']:
            sample.set_gt_label(int(torch.randint(10, (1,), generator=gen)))
    scrambled = hook.score(runner)['knn/top1']
    assert honest > 30 and scrambled < honest - 10, (honest, scrambled)


def test_bad_settings_say_what_to_change():
    from finola_mm.engine.hooks import OnlineKNNHook
    with pytest.raises(ValueError, match='num_bank >= k'):
        OnlineKNNHook(num_bank=10, k=20)


def test_it_is_on_in_every_32px_pretraining_config():
    import glob

    from mmengine.config import Config
    paths = [p for data in ('fmnist', 'cifar10') for p in glob.glob(
        osp.join(ROOT, 'configs/masked_pretrain', f'*_{data}-32px.py'))]
    assert len(paths) == 12  # 8 Fashion-MNIST (ViT, Mobile-Former), 4 CIFAR-10
    for path in paths:
        hooks = Config.fromfile(path).custom_hooks
        assert [h for h in hooks if h['type'] == 'OnlineKNNHook'], path
