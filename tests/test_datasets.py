"""The embedded Fashion-MNIST and the transforms around it."""
import os.path as osp
import shutil

import numpy as np
import pytest

from conftest import FMNIST_ROOT
from finola_mm.datasets import GrayToRGB, LocalFashionMNIST


def test_embedded_fashion_mnist_is_there_and_complete():
    train = LocalFashionMNIST(data_root=FMNIST_ROOT)
    test = LocalFashionMNIST(data_root=FMNIST_ROOT, test_mode=True)
    assert len(train) == 60000 and len(test) == 10000
    img = test[0]['img']
    assert img.shape == (28, 28) and img.dtype == np.uint8


def test_missing_file_names_the_path_and_the_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match=r't10k-images-idx3-ubyte is '
                       r'missing.*bash tools/setup.sh'):
        LocalFashionMNIST(data_root=str(tmp_path), test_mode=True)


def test_corrupt_file_names_the_folder_and_the_fix(tmp_path):
    for name in ('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'):
        shutil.copy(osp.join(FMNIST_ROOT, name), tmp_path / name)
    with open(tmp_path / 't10k-images-idx3-ubyte', 'r+b') as f:
        f.truncate(1000)
    with pytest.raises(RuntimeError, match=r'corrupt or truncated.*'
                       r'tools/setup.sh'):
        LocalFashionMNIST(data_root=str(tmp_path), test_mode=True)


def test_gray_to_rgb_repeats_the_channel():
    gray = np.arange(12, dtype=np.uint8).reshape(3, 4)
    out = GrayToRGB()(dict(img=gray))['img']
    assert out.shape == (3, 4, 3)
    assert (out[..., 0] == gray).all() and (out[..., 2] == gray).all()
    rgb = np.zeros((3, 4, 3), np.uint8)
    assert GrayToRGB()(dict(img=rgb))['img'] is rgb
