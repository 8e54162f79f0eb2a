"""Save the model as training starts it, before the first iteration."""
from mmengine.hooks import Hook

from mmpretrain.registry import HOOKS


@HOOKS.register_module()
class InitialWeightsHook(Hook):
    """Save the weights a run starts from as ``work_dir/<filename>``.

    ``before_train`` comes after the runner has seeded, built the model and
    the loops, and run ``init_weights`` (and any ``load_from``), so the file
    holds exactly the run's iteration-0 weights, which no ``CheckpointHook``
    interval saves. With ``stop=True`` the run ends there, after zero
    iterations: ``compare_ssl``'s untrained-start control. A resumed run
    (iteration > 0) saves nothing.

    Args:
        filename (str): checkpoint name in the work dir.
        stop (bool): end training right after saving.
    """
    priority = 'VERY_LOW'  # after every other before_train hook

    def __init__(self, filename: str = 'iter_0.pth', stop: bool = False):
        self.filename = filename
        self.stop = stop

    def before_train(self, runner) -> None:
        if runner.iter > 0:
            return
        runner.save_checkpoint(runner.work_dir, self.filename,
                               save_optimizer=False,
                               save_param_scheduler=False)
        if self.stop:
            runner.train_loop.stop_training = True
