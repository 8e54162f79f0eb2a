"""Check a loaded checkpoint before the runner uses it."""
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmpretrain.registry import HOOKS
from finola_mm.utils import assert_backbone_fits, assert_checkpoint_fits


@HOOKS.register_module()
class CheckpointCompatibilityHook(Hook):
    """Fail fast, listing keys, when ``load_from``/``resume`` does not fit,
    and never run code stored in a checkpoint.

    - MMEngine's own loading only warns and goes on with random weights
      where names or shapes differ, which turns a wrong checkpoint into a
      silent bad run.
    - ``Runner.resume`` executes ``checkpoint['meta']['config']`` (a Python
      config) to read old GPU ids. A weights-only load cannot stop that, so
      the stored config text is dropped here, before resume reads it.
    - A backbone ``init_cfg=dict(type='Pretrained', ...)`` is loaded with
      ``strict=False``; before training, every backbone weight must have
      come from that checkpoint.
    """
    priority = 'VERY_HIGH'

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        meta = checkpoint.get('meta')
        if isinstance(meta, dict) and 'config' in meta:
            meta.pop('config')
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        assert_checkpoint_fits(model, checkpoint)

    def before_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        backbone = getattr(model, 'backbone', None)
        init = getattr(backbone, 'init_cfg', None)
        if isinstance(init, dict) and init.get('type') == 'Pretrained':
            assert_backbone_fits(backbone, init['checkpoint'],
                                 init.get('prefix', ''))
