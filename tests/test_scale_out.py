"""Exact resume after SIGKILL, and two-process (gloo) training."""
import glob
import json
import os
import os.path as osp
import signal
import subprocess
import sys
import time

import pytest
import torch

from conftest import ROOT, tiny_run_cfg

BLOCK = osp.join(ROOT, 'configs/masked_pretrain/'
                 'masked-finola-b_vit-tiny-p4_1xb64-1k_fmnist-32px.py')
LINEAR = osp.join(ROOT, 'configs/benchmarks/'
                  'linear-probe_vit-tiny-p4_1xb256-500it_fmnist-32px.py')
TRAIN = osp.join(ROOT, 'tools', 'train.py')


def write_cfg(work_dir, iters, batch, deterministic_masks=False,
              config=BLOCK):
    """A config (block-wise Masked FINOLA by default) on tiny data, dumped
    for tools/train.py."""
    cfg = tiny_run_cfg(config, work_dir, iters=iters, batch=batch)
    cfg.default_hooks.checkpoint.interval = iters // 2
    cfg.randomness = dict(seed=0, deterministic=True)
    if deterministic_masks:  # same masks whichever rank reads an image
        for t in cfg.train_dataloader.dataset.pipeline:
            if t['type'] == 'RandomFlip':
                t['prob'] = 0.
            if t['type'] == 'QuadrantMaskGenerator':
                t['quadrant'] = 'top_left'
        cfg.train_dataloader.sampler = dict(type='InfiniteSampler',
                                            shuffle=False)
        cfg.train_dataloader.dataset.indices = 16   # same images for all
    path = osp.join(work_dir, 'cfg.py')
    os.makedirs(work_dir, exist_ok=True)
    cfg.dump(path)
    return path


def train(cfg_path, work_dir, *extra, env=None):
    return subprocess.run([sys.executable, TRAIN, cfg_path, '--work-dir',
                           str(work_dir), *extra], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def logged_losses(work_dir):
    """{iter: loss} from every run's scalars.json in work_dir."""
    losses = {}
    for path in glob.glob(osp.join(work_dir, '*', 'vis_data',
                                   'scalars.json')):
        for line in open(path):
            rec = json.loads(line)
            if 'loss' in rec:
                losses[rec['iter']] = rec['loss']
    return losses


def weights(path):
    return torch.load(path, weights_only=True)['state_dict']


@pytest.mark.parametrize('config', [BLOCK, LINEAR],
                         ids=['masked-finola-b', 'linear-probe'])
def test_sigkilled_run_resumes_to_the_same_weights_and_losses(config,
                                                              tmp_path):
    whole, killed = tmp_path / 'whole', tmp_path / 'killed'
    out = train(write_cfg(whole, 8, 2, config=config), whole)
    assert out.returncode == 0, out.stderr[-3000:]

    cfg = write_cfg(killed, 8, 2, config=config)
    proc = subprocess.Popen([sys.executable, TRAIN, cfg, '--work-dir',
                             str(killed)], cwd=ROOT,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    pointer = killed / 'last_checkpoint'
    deadline = time.time() + 300
    while not (pointer.exists() and 'iter_4' in pointer.read_text()):
        assert proc.poll() is None and time.time() < deadline
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)                  # a real crash
    proc.wait()
    assert not (killed / 'iter_8.pth').exists(), 'killed too late'

    out = train(cfg, killed, '--resume')
    assert out.returncode == 0, out.stderr[-3000:]
    assert 'Advance dataloader 4 steps' in out.stdout + out.stderr
    a, b = weights(whole / 'iter_8.pth'), weights(killed / 'iter_8.pth')
    assert a.keys() == b.keys()
    for k in a:
        torch.testing.assert_close(b[k], a[k], atol=1e-6, rtol=0, msg=k)
    expected, resumed = logged_losses(whole), logged_losses(killed)
    for it in range(5, 9):
        assert abs(resumed[it] - expected[it]) < 1e-6, (it, resumed[it],
                                                        expected[it])


def test_two_gloo_processes_match_one_process_with_the_combined_batch(
        tmp_path):
    two, one = tmp_path / 'two', tmp_path / 'one'
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [ROOT, osp.join(ROOT, 'tests'), os.environ.get('PYTHONPATH', '')]),
        OMP_NUM_THREADS='1')
    for work_dir, batch in ((two, 2), (one, 4)):
        path = write_cfg(work_dir, 4, batch, deterministic_masks=True)
        text = open(path).read() + (
            "\ncustom_imports = dict(imports=['finola_mm', 'dist_rank_dump'],"
            " allow_failed_imports=False)\n"
            "custom_hooks = custom_hooks + [dict(type='RankWeightsDumpHook')]"
            "\n")
        open(path, 'w').write(text)
    out = subprocess.run(                            # the documented launcher
        ['bash', osp.join(ROOT, 'tools', 'dist_train.sh'),
         str(two / 'cfg.py'), '2', '--work-dir', str(two)],
        cwd=ROOT, env=dict(env, PYTHON=sys.executable, PORT='29533'),
        capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    out = train(str(one / 'cfg.py'), one, env=env)
    assert out.returncode == 0, out.stderr[-3000:]

    rank0 = torch.load(two / 'rank0.pth', weights_only=True)
    rank1 = torch.load(two / 'rank1.pth', weights_only=True)
    single = torch.load(one / 'rank0.pth', weights_only=True)
    start = weights(two / 'iter_2.pth')
    assert any(not torch.equal(start[k], rank0[k]) for k in rank0)
    for k in rank0:
        assert torch.equal(rank0[k], rank1[k]), f'ranks differ at {k}'
        torch.testing.assert_close(rank0[k], single[k], atol=1e-5, rtol=0,
                                   msg=k)
