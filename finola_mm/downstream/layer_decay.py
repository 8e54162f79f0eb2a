"""Layer-wise LR decay for a detector's or segmentor's backbone."""
from functools import partial

from mmpretrain.engine.optimizers import \
    LearningRateDecayOptimWrapperConstructor
from mmpretrain.registry import OPTIM_WRAPPER_CONSTRUCTORS


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class BackboneLayerDecayOptimWrapperConstructor(
        LearningRateDecayOptimWrapperConstructor):
    """MMPretrain's layer-wise decay for any model with a ``backbone`` that
    has ``get_layer_depth`` (MMPretrain's ViT, our Mobile-Former): depths
    come from the backbone, and everything outside it (neck, heads) gets
    the last depth, i.e. the full LR. MMSegmentation's own
    ``LayerDecayOptimizerConstructor`` only knows its BEiT/MAE/ConvNeXt
    classes, and MMPretrain's needs ``get_layer_depth`` on the whole model,
    which only its classifiers have. Config keys are MMPretrain's
    (``paramwise_cfg=dict(layer_decay_rate=...)``)."""

    def add_params(self, params, module, prefix='', get_layer_depth=None,
                   **kwargs) -> None:
        if get_layer_depth is None and not hasattr(module,
                                                   'get_layer_depth'):
            backbone = getattr(module, 'backbone', None)
            if not hasattr(backbone, 'get_layer_depth'):
                raise NotImplementedError(
                    f'Layer-wise LR decay needs a backbone with '
                    f'get_layer_depth; {type(backbone).__name__} has none. '
                    f'Use constructor=DefaultOptimWrapperConstructor.')
            get_layer_depth = partial(backbone.get_layer_depth,
                                      prefix='backbone.')
        super().add_params(params, module, prefix, get_layer_depth, **kwargs)
