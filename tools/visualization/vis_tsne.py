"""MMPretrain's ``tools/visualization/vis_tsne.py``, run unchanged, with one
shim: scikit-learn 1.7 renamed ``TSNE(n_iter=...)`` to ``max_iter``, and that
tool still passes ``n_iter``. Same arguments as the tool::

    python tools/visualization/vis_tsne.py \\
        configs/benchmarks/linear-probe_vit-tiny-p4_1xb256-500it_fmnist-32px.py \\
        --checkpoint work_dirs/<pretraining run>/iter_1000.pth

(Its other failure, on our Fashion-MNIST labels, is fixed in the dataset:
labels are ints, which the tool's per-class counter can hash.)
"""
import inspect
import os.path as osp
import runpy
import sys

import mmpretrain
from sklearn import manifold

if 'n_iter' not in inspect.signature(manifold.TSNE).parameters:
    _TSNE = manifold.TSNE

    def tsne_accepting_n_iter(*args, n_iter=None, **kwargs):
        if n_iter is not None:
            kwargs.setdefault('max_iter', n_iter)
        return _TSNE(*args, **kwargs)

    manifold.TSNE = tsne_accepting_n_iter

TOOL = osp.join(osp.dirname(mmpretrain.__file__), '.mim', 'tools',
                'visualization', 'vis_tsne.py')

if __name__ == '__main__':
    sys.argv[0] = TOOL
    runpy.run_path(TOOL, run_name='__main__')
