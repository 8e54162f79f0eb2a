from .feature_probe import train_linear_probe
from .knn import (extract_features, frozen_features, knn_accuracy, knn_eval,
                  knn_predict)
from .psnr import PSNR

__all__ = ['PSNR', 'extract_features', 'frozen_features', 'knn_accuracy',
           'knn_eval', 'knn_predict', 'train_linear_probe']
