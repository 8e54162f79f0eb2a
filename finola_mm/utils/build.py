"""Build a config's model outside the Runner, as the Runner builds it."""


def build_model(cfg):
    """``cfg.model`` built (MMPretrain's registry) with the config's
    top-level ``data_preprocessor`` merged in, as MMEngine's Runner does
    (``model.setdefault('data_preprocessor', ...)``).

    Building ``cfg.model`` alone silently drops that preprocessor: the model
    gets the default one, which does not normalise, so a tool outside the
    Runner would feed the encoder raw 0-255 pixels it never saw in training.
    """
    import copy

    from mmpretrain.registry import MODELS

    model_cfg = copy.deepcopy(cfg.model)  # building edits the dicts it gets
    if cfg.get('data_preprocessor') is not None:
        model_cfg.setdefault('data_preprocessor',
                             copy.deepcopy(cfg.data_preprocessor))
    return MODELS.build(model_cfg)
