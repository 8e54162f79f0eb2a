"""Benchmark: Masked FINOLA (element- and block-wise), MAE and SimMIM at an
equal pretraining budget, plus two controls, compared downstream: random
init (the plain encoder) and, for the ViT, the untrained start (MAE's
pretraining run at the same seed, stopped before its first iteration; every
ViT method starts from that initialisation scheme).

Every method pretrains the same encoder with the same iterations, batch,
data and seed (its own config under configs/masked_pretrain/). Each encoder
is then read frozen, as the linear-probe config reads it (final-normed
tokens, average-pooled), and scored by
- linear probing: the probe config's head (BN without affine + linear, SGD,
  warm-up + cosine) trained on cached features (``--probe features``,
  default), or the probe config itself through tools/train.py
  (``--probe config``: augmented, one encoder pass per image per step);
- a low-shot linear probe: the same head on the first ``--lowshot-labels``
  (1,000) images of the probe split only (100 per class: the ``lowshot``
  split), where pretraining matters more;
- weighted kNN (k=20, T=0.07) on the same features;
- fine-tuning with layer-wise LR decay (the fine-tune config, shortened to
  ``--finetune-iters``; ``--no-finetune`` skips it).

Each metric is a mean ± std over ``--seeds`` seeds, and every row gets the
paired (same-seed) difference against both controls and against the best
baseline (MAE or SimMIM, by mean linear top-1).

    python tools/benchmarks/compare_ssl.py                # 3 seeds, ~3 h, 2 CPUs
    python tools/benchmarks/compare_ssl.py --budget gpu   # >= 20 epochs each
    python tools/benchmarks/compare_ssl.py --seeds 1 --no-finetune
    python tools/benchmarks/compare_ssl.py --encoder mobile-former-tiny
    python tools/benchmarks/compare_ssl.py --variant mae-r60=mae:model.backbone.mask_ratio=0.6
    python tools/benchmarks/compare_ssl.py --ablate --seeds 1   # the ablation table
    python tools/benchmarks/compare_ssl.py --smoke --seeds 2    # a few iterations

Each training stage is ``tools/train.py`` on a config written into the work
dir, in its own process; a finished stage (its result.json) is skipped and
an interrupted pretraining resumes, so rerunning the command continues.
Prints a markdown table and writes it with JSON and a bar chart (PNG).
"""
import argparse
import functools
import json
import os
import os.path as osp
import statistics
import sys
import time

# Before torch loads (here and in the runs it starts): see transfer_det.py
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
# the repository root, so that `tools.` imports when run as a script
sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
from tools.benchmarks.engine import (
    RECOMMENDED, REPO as ROOT, Progress, bar_chart, config_digest, fmt,
    mask_generator_step, mean_std, paired_delta, pretrain_config,
    pretrain_methods, read_scalars, run_logged, shorten_schedule, stage, table,
    train_in_subprocess, write_report)

# 'start': the method whose iteration-0 weights are the untrained-start
# control (the ViT configs share MAE's initialisation scheme,
# backbone.mae_init; the Mobile-Former ones start as the probe config does,
# so no second control)
ENCODERS = {'vit-tiny-p4': dict(start='mae'),
            'mobile-former-tiny': dict(start=None)}
# Anchors printed under a test table (../shared/FINOLA.md, section 7): a
# label and the top-1 (%) each reports; none is a run of this script.
CIFAR10_ANCHORS = (
    ('anchor: MAE, 2,000 x 64, one seed, untuned probe (FINOLA.md)',
     {'linear/top1': 50.5, 'knn/top1': 39.7, 'lowshot/top1': 42.1}),
    ('anchor: MAE ViT, 100 epochs (Keras example)', {'linear/top1': 49.0}),
    ('anchor: ViT-Tiny MAE, 2,000 epochs, fine-tuned',
     {'finetune/top1': 89.8}),
)
FMNIST_ANCHORS = (
    ('anchor: raw pixels, untuned probe (FINOLA.md)',
     {'linear/top1': 81.8, 'knn/top1': 82.98, 'lowshot/top1': 78.12}),
    ('anchor: MAE, 3 seeds, all 60,000 images, untuned probe (2026-12-01)',
     {'linear/top1': 82.30, 'knn/top1': 80.20, 'finetune/top1': 81.97,
      'lowshot/top1': 77.12}),
)
# the evaluation configs (configs/benchmarks/) on each dataset, and the
# images pretraining reads (its `train` split) for the epoch count
DATASETS = {
    'fmnist': dict(title='Fashion-MNIST 32 px', train_images=55000,
                   recommended=RECOMMENDED,
                   chosen='chosen on test (2026-11-30)',
                   probe='linear-probe_{}_1xb256-500it_fmnist-32px.py',
                   finetune='fine-tune_{}_1xb128-2k_fmnist-32px.py',
                   supervised='supervised_{}_1xb128-2k_fmnist-32px.py',
                   anchors=FMNIST_ANCHORS),
    'cifar10': dict(title='CIFAR-10 32 px', train_images=45000,
                    recommended='masked-finola-b',
                    chosen='chosen on val (2026-12-03)',
                    probe='linear-probe_{}_1xb256-500it_cifar10-32px.py',
                    finetune='fine-tune_{}_1xb128-2k_cifar10-32px.py',
                    supervised='supervised_{}_1xb128-2k_cifar10-32px.py',
                    anchors=CIFAR10_ANCHORS),
}
RANDOM = 'random-init'  # the plain encoder, as the probe config builds it
START = 'untrained-start'  # MAE's pretraining run stopped at iteration 0
RAW = 'raw-pixels'  # the normalised pixels themselves as features
SUPERVISED = 'supervised'  # the fine-tune recipe from scratch, equal compute
CONTROLS = (RANDOM, START, RAW, SUPERVISED)
BASELINES = ('mae', 'simmim')
# --budget presets (docs/evaluation.md). 'cpu' is the default: a seed of
# Fashion-MNIST's 9 rows takes about 60 min in two single-thread shards on
# 2 cores (2026-12-04), 3 seeds about 3 hours. It aims at a budget where
# pretraining clearly matters; measured on test, 3 seeds, MAE is +10.2
# linear over random init on Fashion-MNIST and +9.6 on CIFAR-10
# (docs/evaluation.md). 'gpu' is >= 20 epochs per
# method at batch 256 (the LR scaled by MMEngine's auto_scale_lr).
BUDGETS = {
    'cpu': dict(pretrain_iters=2000, pretrain_batch=64, seeds=3,
                train_images=10000, test_images=0, finetune_iters=300),
    'gpu': dict(pretrain_iters=4700, pretrain_batch=256, seeds=3,
                train_images=0, test_images=0, finetune_iters=2000),
}
# --ablate (docs/evaluation.md): Masked FINOLA's knobs, then the baselines'
# main knobs at the same budget. 'mask_generator.KEY' sets KEY on the data
# pipeline's mask generator, found by its type (mask_generator_step).
MASK = 'mask_generator.'
E, B = 'masked-finola-e', 'masked-finola-b'
# the FINOLA autoencoder's findings (docs/finola_training.md): separate -x/-y
# matrices, a step of O(1) against a normalised seed, one latent conv
AE_KNOBS = ('model.neck.finola_cfg.negative_steps=separate,'
            'model.neck.finola_cfg.init_std=2.0,'
            'model.neck.finola_cfg.seed_norm=True,'
            'model.neck.decoder_cfg.num_latent_convs=1,'
            'model.neck.decoder_cfg.upsample_norm_act=True')
ABLATIONS = (
    # the encoder's initialisation: the plain ViT's (learned positions from
    # 0.02 noise) instead of MAE's (fixed sin-cos), every ViT config's
    f'finola-e-plaininit={E}:model.backbone.mae_init=False',
    f'finola-b-plaininit={B}:model.backbone.mae_init=False',
    f'finola-e-r60={E}:{MASK}mask_ratio=0.6',
    f'finola-e-r90={E}:{MASK}mask_ratio=0.9',
    f'finola-e-raw={E}:model.head.norm_pix=False',
    f'finola-e-c512={E}:model.neck.channels=512',
    f'finola-e-m4c64={E}:model.neck.channels=64,model.neck.num_paths=4',
    f'finola-e-ae={E}:{AE_KNOBS}',
    # flatten + Linear pool over the full token grid (masked tokens become a
    # mask token, as SimMIM's encoder) instead of attention over visible ones
    f'finola-e-linpool={E}:model.backbone.type=SimMIMViT,'
    'model.neck.pool=linear,model.neck.feat_size=8',
    f'finola-e-q8={E}:model.neck.pool_queries=8',   # 8 attention queries
    f'finola-e-q16={E}:model.neck.pool_queries=16',
    # the screen's best knobs together: 8 queries, raw pixels, 60% masked,
    # one residual block per decoder level
    f'finola-e-q8all={E}:model.neck.pool_queries=8,model.head.norm_pix=False,'
    f'{MASK}mask_ratio=0.6,model.neck.decoder_cfg.num_res_blocks=1',
    f'finola-e-lat4={E}:model.neck.latent_size=4,'
    'model.neck.decoder_channels=(64,32,16,16)',
    f'finola-e-dec={E}:model.neck.decoder_cfg.num_res_blocks=1',
    # the paper's full-resolution design: FINOLA grows the 32x32 map itself,
    # three 3x3 convs decode it (configs/finola_autoencoder/*fullres*)
    f'finola-e-fullres={E}:model.neck.latent_size=32,'
    'model.neck.decoder_channels=(32,),model.neck.decoder_cfg.num_res_blocks=1',
    f'finola-b-ae={B}:{AE_KNOBS}',
    f'finola-b-c512={B}:model.neck.channels=512',
    'mae-r60=mae:model.backbone.mask_ratio=0.6',
    'mae-r90=mae:model.backbone.mask_ratio=0.9',
    'mae-raw=mae:model.head.norm_pix=False',
    'mae-dec4=mae:model.neck.decoder_depth=4',
    # the shared schedule's peak LR (1e-3 at batch 64) for MAE
    'mae-lr3e-4=mae:optim_wrapper.optimizer.lr=0.0003',
    'mae-lr3e-3=mae:optim_wrapper.optimizer.lr=0.003',
    f'simmim-r60={"simmim"}:{MASK}mask_ratio=0.6',
    'simmim-plaininit=simmim:model.backbone.mae_init=False',
    # MMPretrain's SimMIM recipe: 60% of mask patches 1/6 of the image side
    # (32 px at 192 px; here 8 px = 2x2 model patches)
    f'simmim-recipe={"simmim"}:{MASK}mask_ratio=0.6,{MASK}mask_patch_size=8',
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--encoder', default='vit-tiny-p4',
                        choices=sorted(ENCODERS))
    parser.add_argument('--dataset', default='fmnist',
                        choices=sorted(DATASETS))
    parser.add_argument('--split', default='test', choices=('val', 'test'),
                        help='val: every score on the validation split, '
                        'the test images never read (screens, ablations, '
                        'choices); test (default): the read-out settings '
                        'chosen on val, then the test split scored once')
    parser.add_argument('--data-root', help='the dataset\'s folder for '
                        'every config (default: the configs\')')
    parser.add_argument('--methods', nargs='+', help='default: all the '
                        'encoder supports')
    parser.add_argument('--variant', action='append', default=[],
                        metavar='NAME=METHOD[:KEY=VAL,...]',
                        help='an extra pretraining run with config options, '
                        'e.g. mae-r60=mae:model.backbone.mask_ratio=0.6')
    parser.add_argument('--ablate', action='store_true',
                        help='add the ablation variants (ABLATIONS; '
                        'vit-tiny-p4 only) to the runs')
    parser.add_argument('--budget', choices=sorted(BUDGETS), default='cpu',
                        help='preset for the options below (BUDGETS); an '
                        'option given explicitly wins')
    parser.add_argument('--pretrain-iters', type=int)
    parser.add_argument('--pretrain-batch', type=int,
                        help='batch size of pretraining (the LR scales)')
    parser.add_argument('--seeds', type=int)
    parser.add_argument('--probe', choices=('features', 'config'),
                        default='features')
    parser.add_argument('--probe-epochs', type=int, default=30,
                        help='epochs over the cached features')
    parser.add_argument('--probe-iters', type=int, default=500,
                        help='iterations of --probe config')
    parser.add_argument('--lowshot-labels', type=int, default=1000,
                        metavar='N',
                        help='also train the feature probe on the first N '
                        'images of the class-balanced probe split only (a '
                        'low-shot column; 0: off)')
    parser.add_argument('--recalibrate-bn', type=int, default=0,
                        metavar='N',
                        help='re-estimate the frozen encoder\'s BatchNorm '
                        'statistics on N training images before the kNN and '
                        'feature probe, for every row (default 0: keep the '
                        'checkpoint\'s). A diagnosis for BN encoders '
                        '(Mobile-Former): it also changes the random-init '
                        'control (docs/evaluation.md)')
    parser.add_argument('--train-images', type=int,
                        help='first N images of the fixed class-balanced '
                        '`probe` split (1,000 per class, disjoint from '
                        '`val`; finola_mm.datasets.splits) for the kNN bank '
                        'and the feature probe (0 = all of it)')
    parser.add_argument('--test-images', type=int,
                        help='N test images scored, round-robin over classes '
                        '(0 = all 10,000)')
    parser.add_argument('--no-finetune', dest='finetune',
                        action='store_false',
                        help='skip fine-tuning (the slowest evaluation)')
    parser.add_argument('--finetune-iters', type=int)
    parser.add_argument('--smoke', action='store_true',
                        help='a few iterations and images: checks the wiring')
    parser.add_argument('--shard', metavar='K/N',
                        help='run only every N-th job from the K-th (K in '
                        '0..N-1), so N processes can share one work dir; '
                        'then rerun without --shard for the table')
    parser.add_argument('--work-dir')
    parser.add_argument('--out-dir', default=osp.join(ROOT, 'work_dirs',
                                                      'benchmarks'))
    args = parser.parse_args()
    for key, value in BUDGETS[args.budget].items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.ablate and args.split == 'test':
        parser.error('--ablate is a screen, a choice: give --split val '
                     '(choices are made on validation, never on test)')
    for key in ('probe', 'finetune'):
        path = eval_config(args, key)
        if not osp.isfile(path):
            parser.error(f'no {key} config {osp.relpath(path, ROOT)} for '
                         f'--encoder {args.encoder} --dataset '
                         f'{args.dataset}')
    if args.smoke:
        args.pretrain_iters, args.probe_iters = 2, 2
        args.finetune_iters, args.probe_epochs = 2, 2
        args.train_images, args.test_images = 64, 32
    args.shard = parse_shard(args.shard)
    args.work_dir = args.work_dir or default_work_dir(
        args.dataset, args.encoder, args.pretrain_iters, args.pretrain_batch,
        args.train_images, args.test_images, args.smoke)
    return args


def default_work_dir(dataset: str, encoder: str, pretrain_iters: int,
                     pretrain_batch: int, train_images: int,
                     test_images: int, smoke: bool = False) -> str:
    """Where a run keeps its stages; the budget is in the name, so a rerun
    continues only the same budget."""
    return osp.join(
        ROOT, 'work_dirs', 'compare_ssl' + ('_smoke' if smoke else ''),
        ('' if dataset == 'fmnist' else f'{dataset}_') +
        f'{encoder}_it{pretrain_iters}_b{pretrain_batch}'
        f'_bank{train_images}_test{test_images}')


def benchmark_checkpoints(dataset: str, methods, seeds: int,
                          encoder: str = 'vit-tiny-p4', budget: str = 'cpu',
                          work_dir: str = None) -> dict:
    """The pretraining checkpoints of this benchmark's run on ``dataset``
    at ``budget`` (its default work dir, or ``work_dir``): {(method, seed):
    path} for seeds 0..seeds-1, what transfer_det and transfer_seg start
    from. A missing one is an error naming the command that makes it."""
    b = BUDGETS[budget]
    work_dir = work_dir or default_work_dir(
        dataset, encoder, b['pretrain_iters'], b['pretrain_batch'],
        b['train_images'], b['test_images'])
    found, missing = {}, []
    for seed in range(seeds):
        for method in methods:
            path = osp.join(work_dir, f'{method}_seed{seed}', 'pretrain.json')
            ckpt = None
            if osp.isfile(path):
                with open(path) as f:
                    ckpt = json.load(f).get('checkpoint')
            if ckpt and osp.isfile(ckpt):
                found[method, seed] = ckpt
            else:
                missing.append(f'{method} seed {seed}')
    if missing:
        raise SystemExit(
            f'no classification-benchmark checkpoint for {", ".join(missing)}'
            f' in {work_dir}: run `python tools/benchmarks/compare_ssl.py '
            f'--dataset {dataset} --encoder {encoder} --budget {budget} '
            f'--seeds {seeds} --methods {" ".join(methods)}` first (its '
            f'pretraining stages are what transfer starts from), or give '
            f'--ckpt METHOD=PATH.')
    return found


def parse_shard(text) -> tuple:
    """'K/N' -> (K, N); None -> (0, 1)."""
    if text is None:
        return 0, 1
    k, _, n = text.partition('/')
    if not (k.isdigit() and n.isdigit() and 0 <= int(k) < int(n)):
        raise SystemExit(f'--shard {text!r}: expected K/N with 0 <= K < N, '
                         f'e.g. --shard 0/2 and --shard 1/2 in two '
                         f'processes.')
    return int(k), int(n)


def parse_variant(text: str, methods) -> tuple:
    """'NAME=METHOD:k=v,k=v' -> (NAME, METHOD, {k: v}), values as Python
    literals where they parse."""
    import ast
    name, _, rest = text.partition('=')
    method, _, opts = rest.partition(':')
    if not name or method not in methods:
        raise SystemExit(f'--variant {text!r}: expected NAME=METHOD[:KEY=VAL,'
                         f'...] with METHOD one of {list(methods)}.')
    options = {}
    # split on commas outside brackets: a value may be a tuple
    items, depth, start = [], 0, 0
    for i, ch in enumerate(opts + ','):
        depth += (ch in '([{') - (ch in ')]}')
        if ch == ',' and depth == 0:
            items.append(opts[start:i])
            start = i + 1
    for item in filter(None, items):
        key, _, val = item.partition('=')
        try:
            options[key] = ast.literal_eval(val)
        except (ValueError, SyntaxError):
            options[key] = val
    return name, method, options


# ---------------------------------------------------------------- configs
def eval_config(args, key: str) -> str:
    """The probe, fine-tune or supervised config for the encoder and
    dataset."""
    return osp.join(ROOT, 'configs/benchmarks',
                    DATASETS[args.dataset][key].format(args.encoder))


def use_splits(cfg, val_images: int = None) -> None:
    """Point a classification config at the fixed splits: it trains on
    `train`, validates on `val` (its first ``val_images``, class-balanced;
    all if None), and only its test loader reads the test images
    (tools/test.py, once)."""
    import copy
    if cfg.get('val_dataloader'):
        cfg.train_dataloader.dataset.split = 'train'
        cfg.val_dataloader.dataset = dict(
            copy.deepcopy(cfg.train_dataloader.dataset), split='val',
            indices=val_images,
            pipeline=copy.deepcopy(cfg.test_dataloader.dataset.pipeline))


def budget_config(path: str, iters: int, seed: int, options: dict,
                  smoke: bool, batch_size: int = None, data_root=None):
    """The config at ``path`` for ``iters`` iterations and ``seed``: its
    iteration-based LR schedule stretched to fit, only the last checkpoint
    and a few for resume kept, the final validation on the test set.
    ``batch_size`` (if it differs from the config's) scales the LR linearly
    through MMEngine's ``auto_scale_lr``."""
    from mmengine.config import Config
    cfg = Config.fromfile(path)
    cfg.merge_from_dict({k: v for k, v in options.items()
                         if not k.startswith(MASK)})
    for key, value in options.items():
        if key.startswith(MASK):
            mask_generator_step(cfg)[key[len(MASK):]] = value
    if batch_size and batch_size != cfg.train_dataloader.batch_size:
        base = cfg.get('auto_scale_lr', {}).get(
            'base_batch_size', cfg.train_dataloader.batch_size)
        cfg.train_dataloader.batch_size = batch_size
        cfg.auto_scale_lr = dict(base_batch_size=base, enable=True)
    shorten_schedule(cfg, iters)
    cfg.default_hooks.checkpoint = dict(
        type='CheckpointHook', by_epoch=False, max_keep_ckpts=1,
        interval=max(1, iters // 4))
    cfg.randomness = dict(seed=seed)
    if data_root:
        for split in ('train', 'val', 'test'):
            if cfg.get(f'{split}_dataloader'):
                cfg[f'{split}_dataloader'].dataset.data_root = data_root
    if smoke:
        for split in ('train', 'val', 'test'):
            loader = cfg.get(f'{split}_dataloader')
            if loader:
                loader.update(num_workers=0, persistent_workers=False,
                              batch_size=min(loader.batch_size, 8))
                if split != 'val':  # a split's first N are balanced
                    loader.dataset.indices = 32
        cfg.default_hooks.logger = dict(type='LoggerHook', interval=1)
        for hook in cfg.get('custom_hooks', []):
            if hook['type'] == 'OnlineKNNHook':
                hook.update(num_bank=16, num_query=8, k=4)
    return cfg


def pretrain(args, method: str, options: dict, seed: int, work_dir: str):
    cfg = budget_config(pretrain_config(method, args.encoder, args.dataset),
                        args.pretrain_iters, seed, options, args.smoke,
                        args.pretrain_batch, args.data_root)
    wall = train_in_subprocess(cfg, work_dir)
    times = [r['time'] for r in read_scalars(work_dir) if 'time' in r]
    batch = cfg.train_dataloader.batch_size
    return dict(checkpoint=osp.join(work_dir,
                                    f'iter_{args.pretrain_iters}.pth'),
                iters=args.pretrain_iters, batch_size=batch,
                epochs=args.pretrain_iters * batch /
                DATASETS[args.dataset]['train_images'],
                wall_s=wall,
                images_per_s=batch / statistics.median(times) if times
                else None)


def start_config(args, seed: int):
    """ENCODERS[...]['start']'s pretraining config at this budget and seed,
    ended by InitialWeightsHook before its first iteration."""
    cfg = budget_config(pretrain_config(ENCODERS[args.encoder]['start'],
                                        args.encoder, args.dataset),
                        args.pretrain_iters, seed, {}, args.smoke,
                        args.pretrain_batch, args.data_root)
    cfg.custom_hooks = list(cfg.get('custom_hooks', [])) + [
        dict(type='InitialWeightsHook', filename='iter_0.pth', stop=True)]
    return cfg


def untrained_start(args, seed: int, work_dir: str) -> dict:
    """The control for what the pretraining iterations add: the weights
    that the start method's pretraining run at this seed starts from (the
    same config through tools/train.py, saved by InitialWeightsHook after
    ``init_weights`` and stopped). The other ViT methods share its
    initialisation scheme (``backbone.mae_init``), not its exact draw."""
    wall = train_in_subprocess(start_config(args, seed), work_dir)
    return dict(checkpoint=osp.join(work_dir, 'iter_0.pth'), iters=0,
                batch_size=None, epochs=0., wall_s=wall, images_per_s=None,
                start_of=ENCODERS[args.encoder]['start'])


def frozen_eval(args, ckpt: str, seed: int, raw: bool = False) -> dict:
    """kNN and (feature) linear probe of the frozen encoder in ``ckpt`` (or
    of the normalised pixels, ``raw``), their settings chosen on the `val`
    split; with --split test, then scored once on the test images."""
    from mmengine.config import Config

    from finola_mm.evaluation import frozen_features, tuned_readout
    from finola_mm.evaluation.feature_probe import KNN_GRID
    cfg = Config.fromfile(eval_config(args, 'probe'))
    cfg.model.backbone.init_cfg = dict(
        type='Pretrained', checkpoint=ckpt, prefix='backbone.') if ckpt \
        else None
    if args.data_root:
        for split in ('train', 'test'):
            cfg[f'{split}_dataloader'].dataset.data_root = args.data_root
    if args.smoke:
        cfg.test_dataloader.update(num_workers=0, batch_size=16)
    import torch
    torch.manual_seed(seed)  # the random-init control's weights
    start = time.perf_counter()
    train, *queries = frozen_features(
        cfg, args.train_images or None, args.test_images or None,
        recalibrate_bn_images=args.recalibrate_bn,
        queries=('val', 'test') if args.split == 'test' else ('val', ),
        forward=(lambda backbone, x: x.flatten(1)) if raw else None,
        val_indices=32 if args.smoke else None)
    feature_s = time.perf_counter() - start
    val, test = queries if len(queries) == 2 else (queries[0], None)
    result = dict(tuned_readout(train, val, test, args.lowshot_labels, seed,
                                knn_grid=(4, 8) if args.smoke else KNN_GRID),
                  feature_s=feature_s,
                  num_train=len(train[0]), num_val=len(val[0]),
                  num_test=None if test is None else len(test[0]),
                  inputs_normalised=True, train_split='probe',
                  train_images=args.train_images,
                  test_images=args.test_images, tuned_on='val')
    return result


def frozen_is_current(args, result: dict) -> bool:
    """A cached frozen stage is rerun if it was made with other image
    counts, lacks the low-shot probe asked for, was scored on another
    split, or was not tuned on `val` over today's probe grid (until
    2026-12-03 the read-out was untuned; before that it read the first N
    training images, and until 2026-12-01 raw 0-255 pixels)."""
    from finola_mm.evaluation.feature_probe import PROBE_GRID
    same = all(result.get(k) == getattr(args, k) for k in
               ('train_images', 'test_images'))
    return (same and result.get('tuned_on') == 'val'
            and result.get('probe_grid') == [list(g) for g in PROBE_GRID]
            and result.get('scored_on') == args.split
            and (not args.lowshot_labels or
                 result.get('lowshot_labels') == min(args.lowshot_labels,
                                                     result['num_train'])))


def config_run(args, key: str, iters: int, ckpt: str, seed: int,
               work_dir: str) -> dict:
    """The probe, fine-tune or supervised config via tools/train.py on the
    `train` split, validated on `val`; with --split test, its last
    checkpoint is then scored once on the test images (tools/test.py)."""
    cfg = budget_config(eval_config(args, key), iters, seed, {}, args.smoke,
                        data_root=args.data_root)
    use_splits(cfg, 32 if args.smoke else None)
    if not ckpt:  # a control from scratch: its weights fixed by the seed
        cfg.model.backbone.init_cfg = None
    wall = train_in_subprocess(cfg, work_dir, pretrained=ckpt)
    final = [r for r in read_scalars(work_dir) if 'accuracy/top1' in r][-1]
    name = {'probe': 'linear', 'finetune': 'finetune',
            'supervised': 'finetune'}[key]
    result = {f'{name}/top1': final['accuracy/top1'],
              f'{name}/val_top1': final['accuracy/top1'],
              f'{name}/top5': final.get('accuracy/top5'), f'{name}_s': wall,
              f'{name}/iters': iters, 'scored_on': 'val'}
    if args.split == 'test':
        test = test_once(osp.join(work_dir, 'config.py'),
                         osp.join(work_dir, f'iter_{iters}.pth'),
                         osp.join(work_dir, 'test'))
        result.update({f'{name}/top1': test['accuracy/top1'],
                       f'{name}/top5': test.get('accuracy/top5'),
                       'scored_on': 'test'})
    return result


def test_once(config: str, ckpt: str, work_dir: str) -> dict:
    """tools/test.py of ``ckpt`` on the config's test loader -> metrics."""
    import glob
    run_logged([sys.executable, osp.join(ROOT, 'tools', 'test.py'), config,
                ckpt, '--work-dir', work_dir],
               osp.join(work_dir, 'stdout.log'))
    logs = sorted(glob.glob(osp.join(work_dir, '*', '*.json')))
    with open(logs[-1]) as f:
        return json.load(f)


def supervised_iters(args) -> int:
    """Supervised from scratch at equal compute: as many images as
    pretraining plus fine-tuning see, in the supervised config's batches."""
    from mmengine.config import Config
    batch = Config.fromfile(eval_config(
        args, 'supervised')).train_dataloader.batch_size
    finetune = Config.fromfile(eval_config(
        args, 'finetune')).train_dataloader.batch_size
    images = (args.pretrain_iters * args.pretrain_batch +
              args.finetune_iters * finetune)
    return -(-images // batch)


def run_identity(args, method: str, options: dict, seed: int) -> dict:
    """What a run folder's results depend on: the method, the options and a
    digest of the resolved pretraining config (so an edited config file is
    noticed too; None for the random-init control)."""
    if method == START:
        digest = config_digest(start_config(args, seed))
    else:
        digest = None if method in CONTROLS else config_digest(budget_config(
            pretrain_config(method, args.encoder, args.dataset),
            args.pretrain_iters, seed, options, args.smoke,
            args.pretrain_batch, args.data_root))
    return json.loads(json.dumps(dict(method=method, options=options,
                                      config_sha256=digest)))


def check_same_run(work: str, identity: dict) -> None:
    """Stages are cached by run name: refuse a name whose folder holds the
    results of another method, other options or another config
    (work/run.json)."""
    path = osp.join(work, 'run.json')
    if osp.isfile(path):
        with open(path) as f:
            earlier = json.load(f)
        if earlier != identity:
            same_options = all(earlier.get(k) == identity[k]
                               for k in ('method', 'options'))
            why = (' (same method and options, another config_sha256: the '
                   'config file or its bases were edited since)'
                   if same_options else '')
            raise SystemExit(
                f'{work} holds the results of {earlier}, not of {identity}'
                f'{why}: give this run another name (--variant NAME=...) or '
                f'delete that folder to rerun it.')
        return
    with open(path, 'w') as f:
        json.dump(identity, f)


def shard_jobs(runs: list, seeds: int, shard: tuple) -> list:
    """[(name, method, options)] -> [(seed, name, method, options)], every
    N-th from the K-th: shards interleave seeds and methods, so their
    pretraining loads are close."""
    k, n = shard
    return [(seed, *run) for seed in range(seeds) for run in runs][k::n]


def run_all(args, runs: list) -> list:
    """[(name, method, options)] x seeds -> one result dict per run."""
    jobs = shard_jobs(runs, args.seeds, args.shard)
    results, progress = [], Progress(len(jobs))
    split = args.split
    for seed, name, method, options in jobs:
        work = osp.join(args.work_dir, f'{name}_seed{seed}')
        os.makedirs(work, exist_ok=True)
        check_same_run(work, run_identity(args, method, options, seed))
        row = dict(name=name, method=method, options=options, seed=seed,
                   frozen={}, finetune=None)
        ckpt, cached = None, True
        if method not in (RANDOM, RAW, SUPERVISED):
            pre, cached = stage(osp.join(work, 'pretrain.json'), lambda: (
                untrained_start(args, seed, osp.join(work, 'pretrain'))
                if method == START else pretrain(
                    args, method, options, seed,
                    osp.join(work, 'pretrain'))))
            row['pretrain'], ckpt = pre, pre['checkpoint']
            print(f'    {name} seed {seed}: pretrain '
                  f'{"(cached) " if cached else ""}'
                  f'{pre["wall_s"] / 60:.1f} min, '
                  f'{pre["images_per_s"] or 0:.0f} img/s' if pre['iters']
                  else f'    {name} seed {seed}: {ckpt}', flush=True)
        if method != SUPERVISED:
            row['frozen'], f_cached = stage(
                osp.join(work, f'frozen_{split}.json'),
                lambda: frozen_eval(args, ckpt, seed, raw=method == RAW),
                functools.partial(frozen_is_current, args))
            cached = cached and f_cached
        if args.probe == 'config' and method not in (RAW, SUPERVISED):
            probe, _ = stage(osp.join(work, f'probe_{split}.json'),
                             lambda: config_run(
                                 args, 'probe', args.probe_iters, ckpt, seed,
                                 osp.join(work, 'probe')))
            row['frozen'].update(probe)
        if method == SUPERVISED or (args.finetune and method != RAW):
            key, iters = (('supervised', supervised_iters(args))
                          if method == SUPERVISED else
                          ('finetune', args.finetune_iters))
            row['finetune'], ft_cached = stage(
                osp.join(work, f'{key}_{split}.json'), lambda: config_run(
                    args, key, iters, ckpt, seed, osp.join(work, key)))
            cached = cached and ft_cached
        f, ft = row['frozen'], row['finetune']
        progress.step(f'{name} seed {seed} ({split}): ' + ', '.join(
            f'{label} {part[key]:.2f}' for label, part, key in (
                ('linear top-1', f, 'linear/top1'),
                ('kNN top-1', f, 'knn/top1'),
                ('fine-tune top-1', ft or {}, 'finetune/top1'))
            if part.get(key) is not None), cached)
        results.append(row)
    return results


# ---------------------------------------------------------------- report
METRICS = ('linear/top1', 'knn/top1', 'finetune/top1', 'lowshot/top1')


def summarize(results: list, runs: list) -> list:
    """One row per run name: metrics as (mean, std) over seeds, and the
    paired per-seed differences against MAE and against the best control
    of each metric."""
    rows = []
    for name, method, options in runs:
        group = [r for r in results if r['name'] == name]
        pre = [r.get('pretrain') or {} for r in group]
        row = dict(name=name, method=method, options=options,
                   seeds=len(group), control=method in CONTROLS,
                   epochs=pre[0].get('epochs'),
                   iters=pre[0].get('iters'),
                   pretrain_min=mean_std([p['wall_s'] / 60 for p in pre
                                          if p.get('iters')]),
                   images_per_s=mean_std([p.get('images_per_s')
                                          for p in pre if p]))
        for key in METRICS + ('linear/top5', 'knn/top5'):
            row[key] = mean_std([metric(r, key) for r in group])
        rows.append(row)
    controls = [r for r in rows if r['control']]
    best_control = {}
    for key in METRICS:
        scored = [r for r in controls if r[key][0] is not None]
        if scored:
            best_control[key] = max(scored, key=lambda r: r[key][0])['name']
    by_name = {r['name']: r for r in rows}
    for row in rows:
        row['best_control'] = best_control
        for key in METRICS:
            value = functools.partial(metric, key=key)
            row[f'delta_random/{key}'] = paired_delta(
                results, row['name'], RANDOM, value)
            if 'mae' in by_name:
                row[f'delta_mae/{key}'] = paired_delta(
                    results, row['name'], 'mae', value)
            if key in best_control:
                row[f'delta_control/{key}'] = paired_delta(
                    results, row['name'], best_control[key], value)
            if START in by_name:  # what the pretraining iterations added
                row[f'delta_start/{key}'] = paired_delta(
                    results, row['name'], START, value)
        row['delta_random'] = row['delta_random/linear/top1']
        if not row['control']:
            random = by_name[RANDOM]['linear/top1'][0]
            row['beats_random'] = row['linear/top1'][0] > random
            row['beats_controls'] = all(
                row[key][0] is not None and row[key][0] >
                by_name[best_control[key]][key][0]
                for key in ('linear/top1', 'knn/top1')
                if key in best_control)
    return rows


def screen_choice(rows: list):
    """The screen's rule (docs/evaluation.md, fixed before its results):
    of the Masked FINOLA rows, the one with the highest mean of linear and
    kNN top-1 (on the split scored: `val` in a screen). None if no row has
    both."""
    scored = [r for r in rows if r['method'].startswith('masked-finola')
              and r['linear/top1'][0] is not None
              and r['knn/top1'][0] is not None]
    if not scored:
        return None
    return max(scored, key=lambda r: r['linear/top1'][0] +
               r['knn/top1'][0])['name']


def metric(result: dict, key: str):
    part = result.get('finetune' if key.startswith('finetune') else
                      'frozen') or {}
    return part.get(key)


def table_rows(rows: list, split: str, lowshot: int, anchors=()) -> tuple:
    """(head, body) of the comparison table; every score column names the
    split it was measured on. A test table ends with the ``anchors``
    [(label, {metric: top-1})], published or earlier numbers."""
    shots = f'{lowshot:,}-label linear'
    cols = (('linear/top1', 'linear'), ('knn/top1', 'kNN'),
            ('finetune/top1', 'fine-tune'))
    has_mae = any(r['name'] == 'mae' for r in rows)
    head = ['method', 'pretrain epochs (iters)', 'pretrain min',
            *[f'{label} top-1 ({split})' for _, label in cols],
            f'{shots} top-1 ({split})',
            *[f'Δ {label} vs mae' for _, label in cols if has_mae],
            *[f'Δ {label} vs best control' for _, label in cols],
            'beats every control (linear, kNN)']
    body = []
    for r in rows:
        epochs = '-' if r['iters'] is None else \
            f'{r["epochs"]:.2f} ({r["iters"]})'
        beats = {True: 'yes', False: '**NO**'}.get(r.get('beats_controls'),
                                                  '(control)')
        body.append([
            r['name'], epochs, fmt(r['pretrain_min'], 1),
            *[fmt(r[key]) for key, _ in cols], fmt(r['lowshot/top1']),
            *[fmt(r.get(f'delta_mae/{key}'), sign=True)
              for key, _ in cols if has_mae],
            *[fmt(r.get(f'delta_control/{key}'), sign=True)
              for key, _ in cols], beats])
    if split == 'test':
        for label, scores in anchors:
            body.append([label, '-', '-', *[
                f'{scores[key]:.1f}' if key in scores else '-'
                for key in [k for k, _ in cols] + ['lowshot/top1']],
                *['-'] * (len(head) - 8), '(anchor)'])
    return head, body


def chart(rows: list, path: str, title: str) -> None:
    keys = [k for k in METRICS if any(r[k][0] is not None for r in rows)]
    bar_chart([r['name'] for r in rows],
              {k: [r[k] for r in rows] for k in keys}, path, title)


def main():
    args = parse_args()
    from mmengine.logging import MMLogger  # in-process feature passes: quiet
    MMLogger.get_instance('compare_ssl', log_level='WARNING')
    methods = pretrain_methods(args.encoder, args.dataset)
    chosen = args.methods or methods
    unknown = set(chosen) - set(methods)
    if unknown:
        raise SystemExit(f'--methods {sorted(unknown)}: {args.encoder} '
                         f'supports {list(methods)}.')
    if args.ablate and args.encoder != 'vit-tiny-p4':
        raise SystemExit('--ablate: the variants are written for '
                         'vit-tiny-p4 (MAE, patch mask generator).')
    variants = args.variant + list(ABLATIONS if args.ablate else ())
    controls = [RANDOM] + [START] * bool(ENCODERS[args.encoder]['start']) + \
        [RAW] + [SUPERVISED] * osp.isfile(eval_config(args, 'supervised'))
    runs = [(c, c, {}) for c in controls] + [(m, m, {}) for m in chosen] + [
        parse_variant(v, methods) for v in variants]
    names = [r[0] for r in runs]
    if len(set(names)) != len(names):
        raise SystemExit(f'run names must be unique: {names}')

    start = time.perf_counter()
    results = run_all(args, runs)
    if args.shard != (0, 1):
        print(f'shard {args.shard[0]}/{args.shard[1]} done '
              f'({len(results)} jobs); rerun without --shard for the table.')
        return
    rows = summarize(results, runs)
    frozen = next(r['frozen'] for r in results if r['frozen'])
    title = DATASETS[args.dataset]['title']
    best = rows[0]['best_control']
    recommended = DATASETS[args.dataset]['recommended']
    budget = (
        f'{title}, budget {args.budget}: {args.pretrain_iters} pretraining '
        f'iterations, batch {args.pretrain_batch}; fine-tune '
        f'{args.finetune_iters if args.finetune else 0} iterations; '
        f'{SUPERVISED}: the fine-tune recipe from scratch for '
        f'{supervised_iters(args)} iterations (as many images as '
        f'pretraining plus fine-tuning); {args.seeds} seed(s), mean ± std, '
        f'Δ = paired per-seed difference. Read-out (kNN k, probe LR and '
        f'epochs) chosen per row on the {frozen["num_val"]}-image val split'
        + ('' if args.split == 'val' else ', then the test split scored '
           'once') + f'; {frozen["num_train"]} probe images; scores on '
        f'{args.split} ({frozen["num_test"] or frozen["num_val"]} images). '
        'Best control: ' + ', '.join(f'{k.split("/")[0]} {v}'
                                     for k, v in best.items())
        + f'. The recommended Masked FINOLA setting: {recommended}, '
        f'{DATASETS[args.dataset]["chosen"]}'
        + ('.' if recommended in names else ' (not run here).'))
    choice = screen_choice(rows) if args.split == 'val' else None
    if choice:
        budget += (f' Chosen by the screen\'s rule (the Masked FINOLA row '
                   f'with the highest mean of val linear and kNN top-1): '
                   f'{choice}.')
    for r in rows:
        if r.get('beats_controls') is False:
            print(f'WARNING: {r["name"]} does not beat every control on '
                  f'linear and kNN top-1 ({fmt(r["linear/top1"])} / '
                  f'{fmt(r["knn/top1"])}; best controls {best}).')
    stem = osp.join(args.out_dir, f'compare_ssl_{args.encoder}' +
                    ('' if args.dataset == 'fmnist' else f'_{args.dataset}')
                    + ('_ablation' if args.ablate else '') +
                    f'_{args.split}' + ('_smoke' if args.smoke else ''))
    write_report(stem, dict(main=table(
        f'compare_ssl: {args.encoder}, {title}, {args.split} split',
        *table_rows(rows, args.split, args.lowshot_labels,
                    DATASETS[args.dataset].get('anchors', ())), budget)),
        dict(args=vars(args), summary=rows, runs=results, chosen=choice),
        start)
    chart(rows, stem + '.png', f'{args.encoder}, {budget}')
    print(f'wrote {stem}.png')


if __name__ == '__main__':
    main()
