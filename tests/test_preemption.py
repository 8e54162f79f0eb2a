"""Preemption: tools/train.py gets SIGTERM mid-run, saves the current
iteration atomically and exits 0; --resume then ends at the same weights as
a run that was never stopped."""
import os
import os.path as osp
import re
import signal
import subprocess
import sys
import time

import torch

from conftest import MAIN_CONFIG, ROOT

ITERS = 30


def options(work_dir, iters=ITERS):
    data = osp.join(ROOT, 'data', 'fashion_mnist')
    return ['--work-dir', str(work_dir), '--no-validate', '--cfg-options',
            f'train_cfg.max_iters={iters}', 'train_dataloader.batch_size=4',
            'train_dataloader.num_workers=0',
            'train_dataloader.persistent_workers=False',
            f'train_dataloader.dataset.data_root={data}',
            'train_dataloader.dataset.indices=16',
            'default_hooks.logger.interval=1',
            f'default_hooks.checkpoint.interval={iters}',
            'model.neck.channels=32', 'custom_hooks=[]']


def train(work_dir, *extra):
    return [sys.executable, osp.join(ROOT, 'tools', 'train.py'), MAIN_CONFIG,
            *options(work_dir), *extra]


def test_sigterm_saves_exits_cleanly_and_resume_is_exact(tmp_path):
    env = dict(os.environ, PYTHONPATH=ROOT, PYTHONUNBUFFERED='1')
    stopped = tmp_path / 'stopped'
    proc = subprocess.Popen(train(stopped), cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    log, deadline = [], time.time() + 300
    for line in proc.stdout:                      # signal after iteration 5
        log.append(line)
        done = re.search(r'Iter\(train\) \[\s*(\d+)/', line)
        if done and int(done.group(1)) >= 5:
            proc.send_signal(signal.SIGTERM)
            break
        assert time.time() < deadline, ''.join(log[-20:])
    log += proc.stdout.readlines()
    assert proc.wait(timeout=120) == 0, ''.join(log[-30:])
    ckpt = open(stopped / 'last_checkpoint').read().strip()
    k = int(re.search(r'iter_(\d+)\.pth', ckpt).group(1))
    assert 5 <= k < ITERS and 'SIGTERM: saved' in ''.join(log)
    assert torch.load(ckpt, weights_only=True)['meta']['iter'] == k

    resumed = subprocess.run(train(stopped, '--resume'), cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stdout[-3000:]
    first = re.search(r'Iter\(train\) \[\s*(\d+)/', resumed.stdout)
    assert int(first.group(1)) == k + 1          # logs every iteration
    straight = subprocess.run(train(tmp_path / 'straight'), cwd=ROOT,
                              env=env, capture_output=True, text=True,
                              timeout=300)
    assert straight.returncode == 0, straight.stdout[-3000:]
    end = [torch.load(d / f'iter_{ITERS}.pth', weights_only=True)
           ['state_dict'] for d in (stopped, tmp_path / 'straight')]
    for key in end[1]:
        torch.testing.assert_close(end[0][key], end[1][key], rtol=0,
                                   atol=0, msg=key)
