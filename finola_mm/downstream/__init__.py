"""Transfer of pretrained encoders to dense tasks, one subpackage a task.

Each subpackage is what the task's OpenMMLab configs import (through
``custom_imports`` in their runtime base), so ``import finola_mm`` itself
does not pull in MMDetection:

- ``detection``: MMDetection (RetinaNet, Mask R-CNN) on a ViT or
  Mobile-Former backbone.
"""
