"""MMPretrain's ``tools/visualization/vis_tsne.py``, run unchanged from the
installed package (it ships under ``mmpretrain/.mim/tools``). Same
arguments as the tool::

    python tools/visualization/vis_tsne.py \\
        configs/benchmarks/linear-probe_vit-tiny-p4_1xb256-500it_fmnist-32px.py \\
        --checkpoint work_dirs/<pretraining run>/iter_1000.pth

It needs scikit-learn < 1.7 (it passes ``TSNE(n_iter=...)``, which 1.7
removed): requirements.txt pins 1.6.1. Our Fashion-MNIST labels are ints,
which the tool's per-class counter can hash.
"""
import os.path as osp
import runpy
import sys

import mmpretrain

TOOL = osp.join(osp.dirname(mmpretrain.__file__), '.mim', 'tools',
                'visualization', 'vis_tsne.py')

if __name__ == '__main__':
    sys.argv[0] = TOOL
    runpy.run_path(TOOL, run_name='__main__')
