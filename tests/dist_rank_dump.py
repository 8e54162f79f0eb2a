"""Imported by the multi-process test's config: each rank saves its weights."""
import os.path as osp

import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmpretrain.registry import HOOKS


@HOOKS.register_module(force=True)
class RankWeightsDumpHook(Hook):

    def after_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        torch.save(model.state_dict(),
                   osp.join(runner.work_dir, f'rank{get_rank()}.pth'))
