"""Detection transfer through MMDetection.

- :class:`SimpleFeaturePyramid` (shared with segmentation): ViTDet's neck,
  the pyramid a plain ViT lacks;
- :class:`DetBackboneNeckCheckHook`: stops before the first step when the
  backbone's outputs do not fit the neck;
- :class:`CheckedCocoDataset`: ``CocoDataset`` that names a missing or
  broken annotation file;
- :class:`BackboneLayerDecayOptimWrapperConstructor`: MMPretrain's
  layer-wise LR decay over the backbone (ViTDet's fine-tuning recipe).

Imported by ``configs/benchmarks/mmdet/_base_/default_runtime.py``.
"""
from .backbone_neck_check_hook import (DetBackboneNeckCheckHook,
                                       backbone_neck_mismatch)
from .checked_coco import CheckedCocoDataset
from ..layer_decay import BackboneLayerDecayOptimWrapperConstructor
from ..simple_feature_pyramid import SimpleFeaturePyramid

__all__ = ['BackboneLayerDecayOptimWrapperConstructor', 'CheckedCocoDataset',
           'DetBackboneNeckCheckHook', 'SimpleFeaturePyramid',
           'backbone_neck_mismatch']
