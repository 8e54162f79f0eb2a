from .fashion_mnist import LocalFashionMNIST
from .image_folder import ImageFolder
from .splits import make_splits, read_split, write_splits
from .transforms import *  # noqa: F401,F403

__all__ = ['ImageFolder', 'LocalFashionMNIST', 'make_splits', 'read_split',
           'write_splits']
