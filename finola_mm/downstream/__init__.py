"""Transfer of pretrained encoders to dense tasks, one subpackage a task.

Each subpackage is what the task's OpenMMLab configs import (through
``custom_imports`` in their runtime base), so ``import finola_mm`` itself
does not pull in MMDetection:

- ``detection``: MMDetection (RetinaNet, Mask R-CNN) on a ViT or
  Mobile-Former backbone;
- ``segmentation``: MMSegmentation (UperNet) on the same backbones.

``layer_decay`` is MMPretrain's layer-wise LR decay for either.
"""
