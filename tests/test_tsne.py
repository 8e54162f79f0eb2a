"""MMPretrain's own tools/visualization/vis_tsne.py (run from the installed
package, no shim) on our probe config with a pretraining checkpoint. It
once failed on Fashion-MNIST labels that were 0-d arrays, which its
per-class counter cannot hash, and on scikit-learn 1.7, which removed the
TSNE(n_iter=...) it passes (requirements.txt pins 1.6.1)."""
import glob
import os
import os.path as osp
import subprocess
import sys

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from conftest import FMNIST_ROOT, ROOT

PROBE = osp.join(ROOT, 'configs/benchmarks/'
                 'linear-probe_vit-tiny-p4_1xb256-500it_fmnist-32px.py')
PRETRAIN = osp.join(ROOT, 'configs/masked_pretrain/'
                    'masked-finola-e_vit-tiny-p4_1xb64-1k_fmnist-32px.py')


def test_mmpretrain_vis_tsne_runs_on_our_probe_config(tmp_path):
    import finola_mm  # noqa: F401
    from mmpretrain.registry import MODELS
    init_default_scope('mmpretrain')
    model = MODELS.build(Config.fromfile(PRETRAIN).model)
    ckpt = str(tmp_path / 'pretrain.pth')
    torch.save({'state_dict': model.state_dict()}, ckpt)
    import mmpretrain
    tool = osp.join(osp.dirname(mmpretrain.__file__), '.mim', 'tools',
                    'visualization', 'vis_tsne.py')
    run = subprocess.run(
        [sys.executable, tool, PROBE, '--checkpoint', ckpt, '--work-dir',
         str(tmp_path / 'tsne'), '--max-num-class', '3',
         '--max-num-samples', '6', '--perplexity', '3', '--n-iter', '250',
         '--device', 'cpu', '--cfg-options',
         f'test_dataloader.dataset.data_root={FMNIST_ROOT}',
         'test_dataloader.num_workers=0',
         'test_dataloader.persistent_workers=False'],
        cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT), capture_output=True,
        text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    assert glob.glob(str(tmp_path / 'tsne' / '**' / '*.png'), recursive=True)


def test_labels_are_ints_so_tools_can_hash_them():
    from finola_mm.datasets import LocalFashionMNIST
    dataset = LocalFashionMNIST(data_root=FMNIST_ROOT, test_mode=True,
                                indices=4)
    assert all(type(dataset.get_data_info(i)['gt_label']) is int
               for i in range(4))
