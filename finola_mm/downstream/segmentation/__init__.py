"""Semantic-segmentation transfer through MMSegmentation.

- :class:`DemoSegDataset`: the demo segmentation set (class maps from the
  demo COCO set);
- :class:`CheckSegLabels`: a label map with ids outside the classes is an
  error that names the file;
- :class:`SegDiagnosisMetric`: per-class IoU, recall and loss, the
  confusion matrix, and what the logits say on object pixels;
- :class:`SegBackboneHeadCheckHook`: stops before the first step when the
  backbone's outputs do not fit the decode heads;
- :class:`BackboneLayerDecayOptimWrapperConstructor`: MMPretrain's
  layer-wise LR decay on the segmentor's backbone;
- :class:`SimpleFeaturePyramid` (shared with detection): the pyramid a plain
  ViT lacks.

Imported by ``configs/benchmarks/mmseg/_base_/default_runtime.py``.
"""
from ..layer_decay import BackboneLayerDecayOptimWrapperConstructor
from ..simple_feature_pyramid import SimpleFeaturePyramid
from .demo_seg_dataset import CheckSegLabels, DemoSegDataset
from .diagnosis import SegDiagnosisMetric
from .head_check_hook import SegBackboneHeadCheckHook, head_mismatch

__all__ = ['BackboneLayerDecayOptimWrapperConstructor', 'CheckSegLabels',
           'DemoSegDataset', 'SegBackboneHeadCheckHook', 'SegDiagnosisMetric',
           'SimpleFeaturePyramid', 'head_mismatch']
