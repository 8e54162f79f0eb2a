"""Refuse a checkpoint whose weights do not fit the model."""
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmpretrain.registry import HOOKS
from finola_mm.utils import assert_checkpoint_fits


@HOOKS.register_module()
class CheckpointCompatibilityHook(Hook):
    """Fail fast, listing keys, when ``load_from``/``resume`` does not fit.

    MMEngine's own loading only warns and goes on with random weights where
    names or shapes differ, which turns a wrong checkpoint into a silent bad
    run.
    """
    priority = 'VERY_HIGH'

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        assert_checkpoint_fits(model, checkpoint)
