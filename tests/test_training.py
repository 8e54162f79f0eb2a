"""Runner-level behaviour: validation grids, checkpoints, resume, CLI tools."""
import glob
import os
import os.path as osp
import re
import subprocess
import sys

import mmcv
import mmpretrain
import pytest
import torch
from mmengine.hooks import Hook
from mmengine.runner import Runner

from conftest import MAIN_CONFIG, RESNET_CONFIG, ROOT

VIT_CONFIG = RESNET_CONFIG.replace('resnet-cifar-tiny', 'vit-tiny-p4')


def shrink(cfg, channels=32):
    """Narrow the decoder and C, keeping its number of levels."""
    levels = len(cfg.model.neck.decoder_channels)
    cfg.model.neck.update(channels=channels,
                          decoder_channels=(32, ) + (16, ) * (levels - 1))
    return cfg


class FirstIterRecorder(Hook):
    def __init__(self):
        self.first = None

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if self.first is None:
            self.first = runner.iter


def test_validation_writes_psnr_and_a_reconstruction_grid(tiny_cfg, tmp_path):
    cfg = shrink(tiny_cfg(MAIN_CONFIG, tmp_path, iters=2, batch=4, val=True))
    runner = Runner.from_cfg(cfg)
    runner.train()
    grid_path = osp.join(tmp_path, 'reconstructions', 'val_2.png')
    grid = mmcv.imread(grid_path)
    # the first val batch (4 images): a row of originals over a row of
    # reconstructions, 32 px each enlarged 4x to 128 px, 8 px padding
    assert grid.shape[:2] == (2 * 136 + 8, 4 * 136 + 8)
    psnr = runner.message_hub.get_scalar('val/recon/psnr').current()
    assert 0 < psnr < 100


def test_resume_continues_from_the_saved_iteration(tiny_cfg, tmp_path):
    first = Runner.from_cfg(shrink(tiny_cfg(MAIN_CONFIG, tmp_path, iters=2)))
    first.train()
    saved = {k: v.clone() for k, v in first.model.state_dict().items()}
    cfg = shrink(tiny_cfg(MAIN_CONFIG, tmp_path, iters=4))
    cfg.resume = True
    second = Runner.from_cfg(cfg)
    rec = FirstIterRecorder()
    second.register_hook(rec)
    second.train()
    assert rec.first == 2 and second.iter == 4
    assert osp.isfile(osp.join(tmp_path, 'iter_4.pth'))
    # training went on from the saved weights, not from a fresh init
    assert not torch.equal(saved['neck.finola.A'],
                           second.model.state_dict()['neck.finola.A'])


class StartRecorder(Hook):
    priority = 'VERY_HIGH'  # before InitialWeightsHook

    def before_train(self, runner):
        self.weights = {k: v.clone()
                        for k, v in runner.model.state_dict().items()}


def test_initial_weights_hook_saves_the_start_and_can_stop(tiny_cfg,
                                                           tmp_path):
    """InitialWeightsHook writes the weights training starts from; with
    stop=True no iteration runs; a run that goes on starts from the same
    weights at the same seed (compare_ssl's untrained-start control)."""
    def run(name, stop):
        cfg = shrink(tiny_cfg(MAIN_CONFIG, tmp_path / name, iters=2))
        cfg.randomness = dict(seed=3)
        cfg.custom_hooks = list(cfg.get('custom_hooks', [])) + [
            dict(type='InitialWeightsHook', stop=stop)]
        runner, rec = Runner.from_cfg(cfg), StartRecorder()
        runner.register_hook(rec)
        runner.train()
        return runner, rec.weights, torch.load(
            tmp_path / name / 'iter_0.pth', weights_only=True)['state_dict']

    stopped, start, saved = run('stop', stop=True)
    assert stopped.iter == 0 and not (tmp_path / 'stop' / 'iter_2.pth').exists()
    assert saved.keys() == start.keys()
    assert all(torch.equal(saved[k], v) for k, v in start.items())
    went_on, _, first = run('go', stop=False)
    assert went_on.iter == 2 and (tmp_path / 'go' / 'iter_2.pth').exists()
    assert all(torch.equal(first[k], saved[k]) for k in saved)
    last = went_on.model.state_dict()['neck.finola.A']
    assert not torch.equal(first['neck.finola.A'], last)


def test_checkpoints_load_with_weights_only(tiny_cfg, tmp_path):
    Runner.from_cfg(shrink(tiny_cfg(MAIN_CONFIG, tmp_path, iters=1))).train()
    ckpt = torch.load(osp.join(tmp_path, 'iter_1.pth'), weights_only=True)
    assert 'neck.finola.A' in ckpt['state_dict']
    assert 'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD' not in os.environ


def test_checkpoint_of_another_model_lists_the_mismatch(tiny_cfg, tmp_path):
    Runner.from_cfg(shrink(tiny_cfg(VIT_CONFIG, tmp_path / 'vit',
                                    iters=1))).train()
    Runner.from_cfg(shrink(tiny_cfg(MAIN_CONFIG, tmp_path / 'c32',
                                    iters=1))).train()
    for ckpt, pattern in ((tmp_path / 'vit' / 'iter_1.pth',
                           r'missing keys \(\d+\): backbone\.'),
                          (tmp_path / 'c32' / 'iter_1.pth',
                           r'neck\.finola\.A: checkpoint \(32, 32\) vs '
                           r'model \(64, 64\)')):
        cfg = shrink(tiny_cfg(MAIN_CONFIG, tmp_path / 'test', batch=2),
                     channels=64)
        cfg.load_from = str(ckpt)
        with pytest.raises(RuntimeError, match=pattern):
            Runner.from_cfg(cfg).test()


def run_tool(args, cwd):
    env = dict(os.environ, PYTHONPATH=ROOT)
    proc = subprocess.run([sys.executable, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout + proc.stderr


def tiny_cli_options(work_dir):
    data = osp.join(ROOT, 'data', 'fashion_mnist')
    return ['--work-dir', str(work_dir), '--cfg-options',
            'train_cfg.max_iters=2', 'train_cfg.val_interval=2',
            'train_dataloader.batch_size=4', 'train_dataloader.num_workers=0',
            'train_dataloader.persistent_workers=False',
            f'train_dataloader.dataset.data_root={data}',
            'train_dataloader.dataset.indices=8',
            'val_dataloader.num_workers=0',
            'val_dataloader.persistent_workers=False',
            f'val_dataloader.dataset.data_root={data}',
            'val_dataloader.dataset.indices=8',
            'model.neck.channels=32', 'param_scheduler=[]']


def test_mmpretrain_train_tool_runs_our_config_via_custom_imports(tmp_path):
    """MMPretrain's own tools/train.py, with finola_mm never imported by
    hand: the config's custom_imports registers everything."""
    tool = osp.join(osp.dirname(mmpretrain.__file__), '.mim', 'tools',
                    'train.py')
    out = run_tool([tool, MAIN_CONFIG, *tiny_cli_options(tmp_path)],
                   cwd=tmp_path)
    assert 'recon/psnr' in out
    assert osp.isfile(tmp_path / 'iter_2.pth')


def test_our_train_and_test_tools_print_psnr(tmp_path):
    out = run_tool([osp.join(ROOT, 'tools', 'train.py'), MAIN_CONFIG,
                    *tiny_cli_options(tmp_path)], cwd=ROOT)
    assert 'Iter(train) [2/2]' in out and 'eta:' in out
    data = osp.join(ROOT, 'data', 'fashion_mnist')
    out = run_tool([osp.join(ROOT, 'tools', 'test.py'), MAIN_CONFIG,
                    str(tmp_path / 'iter_2.pth'), '--work-dir',
                    str(tmp_path / 'test'), '--cfg-options',
                    'model.neck.channels=32', 'test_dataloader.num_workers=0',
                    'test_dataloader.persistent_workers=False',
                    f'test_dataloader.dataset.data_root={data}',
                    'test_dataloader.dataset.indices=16'], cwd=ROOT)
    assert 'recon/psnr:' in out
    assert glob.glob(str(tmp_path / 'test' / 'reconstructions' / 'test_*.png'))


def test_amp_without_cuda_says_drop_amp(tmp_path):
    if torch.cuda.is_available():
        pytest.skip('machine has CUDA')
    proc = subprocess.run(
        [sys.executable, osp.join(ROOT, 'tools', 'train.py'), MAIN_CONFIG,
         '--amp', '--work-dir', str(tmp_path)], capture_output=True,
        text=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT))
    assert proc.returncode != 0
    assert 'Drop --amp' in proc.stderr


def test_wave_analysis_tool_writes_speeds_residuals_and_json(tiny_cfg,
                                                            tmp_path):
    import json
    Runner.from_cfg(shrink(tiny_cfg(MAIN_CONFIG, tmp_path, iters=1))).train()
    cfg_path = tmp_path / 'c32.py'
    cfg_path.write_text(f"_base_ = '{MAIN_CONFIG}'\n"
                        "model = dict(neck=dict(channels=32, "
                        "decoder_channels=(32, 16, 16, 16)))\n"
                        "test_dataloader = dict(dataset=dict(data_root="
                        f"'{osp.join(ROOT, 'data', 'fashion_mnist')}'))\n")
    out = run_tool([osp.join(ROOT, 'tools', 'analysis', 'wave_analysis.py'),
                    str(cfg_path), str(tmp_path / 'iter_1.pth'),
                    '--out-dir', str(tmp_path / 'wave'), '--num-images', '8'],
                   cwd=ROOT)
    assert 'C=32 M=1' in out and 'residual' in out
    summary = json.loads((tmp_path / 'wave' / 'wave_analysis.json')
                         .read_text())
    assert len(summary['speeds']) == 32 and summary['cond_B'] >= 1
    assert summary['residual_num_maps'] == 8
    # rows are grown along x (axis_order 'yx'): that equation holds
    # exactly, the y one only where the map is path-independent
    assert summary['axis_order'] == 'yx'
    assert summary['residual_x_mean'] < 1e-4
    assert summary['residual_off_axis_mean'] == summary['residual_y_mean']
    assert summary['residual_y_mean'] > 1e-3
    assert '||Δy z − B ẑ||/||Δy z||' in out
    for png in ('wave_speeds.png', 'wave_residual.png'):
        assert mmcv.imread(str(tmp_path / 'wave' / png)).shape[0] > 100


def test_wave_analysis_tool_refuses_a_checkpoint_of_another_model(
        tiny_cfg, tmp_path):
    Runner.from_cfg(shrink(tiny_cfg(MAIN_CONFIG, tmp_path, iters=1))).train()
    proc = subprocess.run(
        [sys.executable, osp.join(ROOT, 'tools', 'analysis',
                                  'wave_analysis.py'), MAIN_CONFIG,
         str(tmp_path / 'iter_1.pth'), '--out-dir', str(tmp_path / 'w')],
        capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode != 0
    assert 'does not fit FINOLAAutoencoder' in proc.stderr
    assert re.search(r'shape mismatches \(\d+\): neck\.\S+: checkpoint '
                     r'\(32\b.* vs model \(128\b', proc.stderr), \
        proc.stderr[-2000:]


def test_tensorboard_flag_writes_an_event_file(tmp_path):
    out = run_tool([osp.join(ROOT, 'tools', 'train.py'), MAIN_CONFIG,
                    '--tensorboard', *tiny_cli_options(tmp_path)], cwd=ROOT)
    assert 'Iter(train) [2/2]' in out
    events = glob.glob(str(tmp_path / '*' / 'vis_data' / 'events.out.*'))
    assert events
    from tensorboard.backend.event_processing.event_accumulator import \
        EventAccumulator
    log = EventAccumulator(events[0])
    log.Reload()
    assert 'loss' in log.Tags()['scalars']
