"""Fashion-MNIST from local files only, with errors that say how to fix."""
import os.path as osp

from mmpretrain.datasets import FashionMNIST
from mmpretrain.registry import DATASETS

from .splits import read_split

INSTALL_HINT = ('Run `bash tools/setup.sh` from the repository root, or '
                '`sudo apt-get install dataset-fashion-mnist` and gunzip '
                '/usr/share/datasets/fashion-mnist/*.gz into {root}.')


@DATASETS.register_module()
class LocalFashionMNIST(FashionMNIST):
    """MMPretrain's ``FashionMNIST`` that never downloads.

    Reads the four gunzipped idx files from ``data_root`` (the embedded
    dataset, put there by ``tools/setup.sh``). A missing or corrupt file is a
    ``FileNotFoundError`` / ``RuntimeError`` naming the path and the fix.
    The split is chosen with ``test_mode``, as in MMPretrain; ``split``
    picks one of the fixed class-balanced subsets of the training images
    in ``data_root/splits.json`` (``train``, ``val``, ``probe``, ...;
    ``finola_mm.datasets.splits``).
    """

    def __init__(self, data_root: str = 'data/fashion_mnist',
                 split: str = None, **kwargs):
        kwargs['download'] = False
        if split is not None and kwargs.get('test_mode'):
            raise ValueError(f'split={split!r} selects training images; '
                             'the test split is test_mode=True alone.')
        self.fixed_split = split  # (MMPretrain's MNIST has its own .split)
        super().__init__(data_root=data_root, **kwargs)

    def load_data_list(self):
        root = self.data_prefix['root']
        files = self.test_list if self.test_mode else self.train_list
        for name, _ in files:
            path = osp.join(root, name[:-len('.gz')])
            if not osp.isfile(path):
                raise FileNotFoundError(
                    f'Fashion-MNIST file {path} is missing. '
                    + INSTALL_HINT.format(root=root))
        try:
            data_list = super().load_data_list()
        except (AssertionError, ValueError, RuntimeError, OSError) as err:
            raise RuntimeError(
                f'Fashion-MNIST files in {root} are corrupt or truncated '
                f'({type(err).__name__}: {err}). Delete them and re-create '
                f'them: ' + INSTALL_HINT.format(root=root)) from err
        for info in data_list:  # ints, not 0-d arrays: tools hash them
            info['gt_label'] = int(info['gt_label'])  # (MMPretrain's t-SNE)
        if self.fixed_split is not None:
            data_list = [data_list[i] for i in read_split(
                root, self.fixed_split, [d['gt_label'] for d in data_list])]
        return data_list

    def _check_exists(self):
        # The parent wants all four files for either split; we check only the
        # split in use, in load_data_list, with a clearer message.
        return True
