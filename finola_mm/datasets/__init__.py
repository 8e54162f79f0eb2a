from .fashion_mnist import LocalFashionMNIST
from .transforms import *  # noqa: F401,F403

__all__ = ['LocalFashionMNIST']
