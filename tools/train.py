"""Train a finola_mm (or any MMPretrain) config: MMPretrain's tools/train.py
plus the checks a CPU-only machine needs."""
import argparse
import os
import os.path as osp

import torch
from mmengine.config import Config, DictAction
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

import finola_mm  # noqa: F401  registers modules, safe checkpoint loading


def parse_args():
    parser = argparse.ArgumentParser(description='Train a model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume', nargs='?', type=str, const='auto',
        help='resume from this checkpoint, or with no value from the latest '
        'checkpoint in the work directory')
    parser.add_argument('--amp', action='store_true',
                        help='automatic mixed precision (needs CUDA)')
    parser.add_argument('--no-validate', action='store_true',
                        help='skip validation during training')
    parser.add_argument(
        '--pretrained', metavar='CKPT',
        help='initialise the backbone from a pretraining (or backbone-only) '
        'checkpoint: init_cfg=Pretrained with prefix "backbone."')
    parser.add_argument('--tensorboard', action='store_true',
                        help='also log scalars and pictures to TensorBoard '
                        '(event files in WORK_DIR/<time>/vis_data)')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the LR by actual / base batch size')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config settings, key=value (e.g. '
        'model.neck.channels=1024 train_cfg.max_iters=500)')
    parser.add_argument('--launcher', default='none',
                        choices=['none', 'pytorch', 'slurm', 'mpi'])
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


MMENGINE_DEFAULT_HOOKS = ('runtime_info', 'timer', 'sampler_seed', 'logger',
                          'param_scheduler', 'checkpoint')


def drop_disabled_hooks(cfg):
    """Remove keyed hooks switched off with ``default_hooks.NAME=None``.

    MMEngine removes its own default hooks that way but asserts on any other
    key set to None, e.g. a guard inherited from configs/_base_.
    """
    hooks = cfg.get('default_hooks') or {}
    for name in [n for n, h in hooks.items()
                 if h is None and n not in MMENGINE_DEFAULT_HOOKS]:
        hooks.pop(name)


def add_tensorboard(cfg):
    """Add MMEngine's TensorboardVisBackend beside the config's backends."""
    backends = cfg.visualizer.setdefault('vis_backends', [])
    if not any(b.get('type') == 'TensorboardVisBackend' for b in backends):
        backends.append(dict(type='TensorboardVisBackend'))


def merge_args(cfg, args):
    """Merge CLI arguments into the config."""
    if args.no_validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif args.resume is not None:
        cfg.resume, cfg.load_from = True, args.resume
    if args.pretrained:
        cfg.model.backbone.init_cfg = dict(
            type='Pretrained', checkpoint=args.pretrained, prefix='backbone.')
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    if args.tensorboard:
        add_tensorboard(cfg)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    drop_disabled_hooks(cfg)
    for field in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        if cfg.get(field):  # pinning only helps when copying to a GPU
            cfg[field].setdefault('pin_memory', torch.cuda.is_available())
    return cfg


def check_machine(cfg):
    if cfg.optim_wrapper.get('type') == 'AmpOptimWrapper' and \
            not torch.cuda.is_available():
        raise SystemExit(
            'This run uses AmpOptimWrapper (mixed precision), which needs a '
            'CUDA GPU, and none is available. Drop --amp (or set '
            'optim_wrapper.type=OptimWrapper) to train on the CPU.')


def init_cpu_distributed(cfg, args):
    """torchrun on a machine without CUDA: start the gloo process group here
    (MMEngine's init_dist always calls torch.cuda.set_device) and wrap the
    model in DDP without device_ids (MMEngine passes the GPU index)."""
    if args.launcher != 'pytorch' or torch.cuda.is_available():
        return
    import torch.distributed as dist
    if not dist.is_initialized():
        dist.init_process_group(backend='gloo')
    cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})['backend'] = \
        'gloo'
    cfg.setdefault('model_wrapper_cfg', dict(
        type='MMDistributedDataParallel', device_ids=None,
        broadcast_buffers=False,
        find_unused_parameters=cfg.get('find_unused_parameters', False)))


def main():
    args = parse_args()
    cfg = merge_args(Config.fromfile(args.config), args)
    check_machine(cfg)
    init_cpu_distributed(cfg, args)
    runner = Runner.from_cfg(cfg) if 'runner_type' not in cfg \
        else RUNNERS.build(cfg)
    runner.train()


if __name__ == '__main__':
    main()
