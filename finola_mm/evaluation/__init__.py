from .feature_probe import frozen_readout, train_linear_probe, tuned_readout
from .knn import (extract_features, frozen_features, knn_accuracy, knn_eval,
                  knn_predict, recalibrate_bn)
from .pca import PCA, fit_pca, pca_psnr, pca_reconstruct
from .psnr import PSNR, psnr_per_image

__all__ = ['PCA', 'PSNR', 'extract_features', 'fit_pca', 'frozen_features',
           'frozen_readout',
           'knn_accuracy', 'knn_eval', 'knn_predict', 'pca_psnr',
           'pca_reconstruct', 'psnr_per_image', 'recalibrate_bn',
           'train_linear_probe', 'tuned_readout']
