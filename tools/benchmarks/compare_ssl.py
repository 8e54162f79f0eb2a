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

    python tools/benchmarks/compare_ssl.py                # 3 seeds, ~2 h, 2 CPUs
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
import platform
import statistics
import sys
import time

# Before torch loads (here and in the runs it starts): see transfer_det.py
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
# the repository root, so that `tools.` imports when run as a script
sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
from tools.benchmarks.engine import (
    PRETRAIN_METHODS, REPO as ROOT, Progress, bar_chart, config_digest, fmt,
    markdown_table, mask_generator_step, mean_std, paired_delta,
    pretrain_config, read_scalars, shorten_schedule, stage,
    train_in_subprocess)

# the evaluation configs of each encoder (configs/benchmarks/); 'start':
# the method whose iteration-0 weights are the untrained-start control (the
# ViT configs share MAE's initialisation scheme, backbone.mae_init; the
# Mobile-Former ones start as the probe config does, so no second control)
ENCODERS = {
    'vit-tiny-p4': dict(
        probe='linear-probe_vit-tiny-p4_1xb256-500it_fmnist-32px.py',
        finetune='fine-tune_vit-tiny-p4_1xb128-2k_fmnist-32px.py',
        start='mae'),
    'mobile-former-tiny': dict(
        probe='linear-probe_mobile-former-tiny_1xb256-500it_fmnist-32px.py',
        finetune='fine-tune_mobile-former-tiny_1xb128-2k_fmnist-32px.py',
        start=None),
}
RANDOM = 'random-init'  # the plain encoder, as the probe config builds it
START = 'untrained-start'  # MAE's pretraining run stopped at iteration 0
BASELINES = ('mae', 'simmim')
# --budget presets (docs/evaluation.md). 'cpu' is the default: 3 seeds fit
# in about 2 hours on 2 cores. It aims at a budget where pretraining clearly
# matters (MAE >= the control + 8 linear points); measured (three seeds,
# normalised inputs), MAE is +13.2, and more iterations add more
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
    if args.smoke:
        args.pretrain_iters, args.probe_iters = 2, 2
        args.finetune_iters, args.probe_epochs = 2, 2
        args.train_images, args.test_images = 64, 32
    args.shard = parse_shard(args.shard)
    # the budget is in the name: a rerun continues only the same budget
    args.work_dir = args.work_dir or osp.join(
        ROOT, 'work_dirs', 'compare_ssl' + ('_smoke' if args.smoke else ''),
        f'{args.encoder}_it{args.pretrain_iters}_b{args.pretrain_batch}'
        f'_bank{args.train_images}_test{args.test_images}')
    return args


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
def budget_config(path: str, iters: int, seed: int, options: dict,
                  smoke: bool, batch_size: int = None):
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
    if cfg.get('val_dataloader'):
        cfg.val_dataloader.dataset.indices = None  # score all 10,000
    if smoke:
        for split in ('train', 'val', 'test'):
            loader = cfg.get(f'{split}_dataloader')
            if loader:
                loader.update(num_workers=0, persistent_workers=False,
                              batch_size=min(loader.batch_size, 8))
                loader.dataset.indices = 32
        cfg.default_hooks.logger = dict(type='LoggerHook', interval=1)
        for hook in cfg.get('custom_hooks', []):
            if hook['type'] == 'OnlineKNNHook':
                hook.update(num_bank=16, num_query=8, k=4)
    return cfg


def pretrain(args, method: str, options: dict, seed: int, work_dir: str):
    cfg = budget_config(pretrain_config(method, args.encoder),
                        args.pretrain_iters, seed, options, args.smoke,
                        args.pretrain_batch)
    wall = train_in_subprocess(cfg, work_dir)
    times = [r['time'] for r in read_scalars(work_dir) if 'time' in r]
    batch = cfg.train_dataloader.batch_size
    return dict(checkpoint=osp.join(work_dir,
                                    f'iter_{args.pretrain_iters}.pth'),
                iters=args.pretrain_iters, batch_size=batch,
                epochs=args.pretrain_iters * batch / 60000,
                wall_s=wall,
                images_per_s=batch / statistics.median(times) if times
                else None)


def start_config(args, seed: int):
    """ENCODERS[...]['start']'s pretraining config at this budget and seed,
    ended by InitialWeightsHook before its first iteration."""
    cfg = budget_config(pretrain_config(ENCODERS[args.encoder]['start'],
                                        args.encoder),
                        args.pretrain_iters, seed, {}, args.smoke,
                        args.pretrain_batch)
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


def frozen_eval(args, ckpt: str, seed: int) -> dict:
    """kNN and (feature) linear probe of the frozen encoder in ``ckpt``."""
    from mmengine.config import Config

    from finola_mm.evaluation import frozen_features, frozen_readout
    cfg = Config.fromfile(osp.join(ROOT, 'configs/benchmarks',
                                   ENCODERS[args.encoder]['probe']))
    cfg.model.backbone.init_cfg = dict(
        type='Pretrained', checkpoint=ckpt, prefix='backbone.') if ckpt \
        else None
    if args.smoke:
        cfg.test_dataloader.update(num_workers=0, batch_size=16)
    import torch
    torch.manual_seed(seed)  # the random-init control's weights
    start = time.perf_counter()
    train, test = frozen_features(cfg, args.train_images or None,
                                  args.test_images or None,
                                  recalibrate_bn_images=args.recalibrate_bn)
    feature_s = time.perf_counter() - start
    result = dict(frozen_readout(train, test, args.probe == 'features',
                                 args.lowshot_labels, args.probe_epochs,
                                 seed),
                  feature_s=feature_s,
                  num_train=len(train[0]), num_test=len(test[0]),
                  inputs_normalised=True, train_split='probe',
                  train_images=args.train_images,
                  test_images=args.test_images,
                  probe_epochs=args.probe_epochs)
    return result


def frozen_is_current(args, result: dict) -> bool:
    """A cached frozen stage is rerun if it is from before the features
    were taken of normalised inputs (until 2026-12-01 they were of raw
    0-255 pixels: ``finola_mm.utils.build_model``) or of the class-balanced
    ``probe`` split (until 2026-12-03 the first N training images), was
    made with other
    image counts or probe epochs, lacks the feature probe asked for, or is
    from before the low-shot probe."""
    same = all(result.get(k) == getattr(args, k) for k in
               ('train_images', 'test_images', 'probe_epochs'))
    return (result.get('inputs_normalised', False) and same
            and result.get('train_split') == 'probe'  # not the first N
            and (args.probe != 'features' or 'linear/top1' in result)
            and (not args.lowshot_labels or
                 result.get('lowshot_labels') == min(args.lowshot_labels,
                                                     result['num_train'])))


def config_run(args, key: str, iters: int, ckpt: str, seed: int,
               work_dir: str) -> dict:
    """The probe or fine-tune config via tools/train.py; its final top-1/5."""
    cfg = budget_config(
        osp.join(ROOT, 'configs/benchmarks', ENCODERS[args.encoder][key]),
        iters, seed, {}, args.smoke)
    if not ckpt:  # the random-init control: fix its weights by the seed
        cfg.model.backbone.init_cfg = None
    wall = train_in_subprocess(cfg, work_dir, pretrained=ckpt)
    final = [r for r in read_scalars(work_dir) if 'accuracy/top1' in r][-1]
    name = 'linear' if key == 'probe' else 'finetune'
    return {f'{name}/top1': final['accuracy/top1'],
            f'{name}/top5': final.get('accuracy/top5'), f'{name}_s': wall}


def run_identity(args, method: str, options: dict, seed: int) -> dict:
    """What a run folder's results depend on: the method, the options and a
    digest of the resolved pretraining config (so an edited config file is
    noticed too; None for the random-init control)."""
    if method == START:
        digest = config_digest(start_config(args, seed))
    else:
        digest = None if method == RANDOM else config_digest(budget_config(
            pretrain_config(method, args.encoder), args.pretrain_iters,
            seed, options, args.smoke, args.pretrain_batch))
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
    for seed, name, method, options in jobs:
        work = osp.join(args.work_dir, f'{name}_seed{seed}')
        os.makedirs(work, exist_ok=True)
        check_same_run(work, run_identity(args, method, options, seed))
        row = dict(name=name, method=method, options=options, seed=seed)
        ckpt = None
        if method != RANDOM:
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
        frozen = ('frozen.json' if not args.recalibrate_bn else
                  f'frozen_bn{args.recalibrate_bn}.json')
        row['frozen'], cached = stage(
            osp.join(work, frozen), lambda: frozen_eval(args, ckpt, seed),
            functools.partial(frozen_is_current, args))
        if args.probe == 'config':
            probe, _ = stage(osp.join(work, 'probe.json'), lambda: config_run(
                args, 'probe', args.probe_iters, ckpt, seed,
                osp.join(work, 'probe')))
            row['frozen'].update(probe)
        if args.finetune:
            row['finetune'], ft_cached = stage(
                osp.join(work, 'finetune.json'), lambda: config_run(
                    args, 'finetune', args.finetune_iters, ckpt, seed,
                    osp.join(work, 'finetune')))
            cached = cached and ft_cached
        f = row['frozen']
        ft = (f', fine-tune top-1 {row["finetune"]["finetune/top1"]:.2f}'
              if row.get('finetune') else '')
        progress.step(f'{name} seed {seed}: linear top-1 '
                      f'{f["linear/top1"]:.2f}, kNN top-1 '
                      f'{f["knn/top1"]:.2f}{ft}', cached)
        results.append(row)
    return results


# ---------------------------------------------------------------- report
def summarize(results: list, runs: list) -> list:
    """One row per run name: metrics as (mean, std) over seeds."""
    rows = []
    for name, method, options in runs:
        group = [r for r in results if r['name'] == name]
        pre = [r.get('pretrain') or {} for r in group]
        row = dict(name=name, method=method, options=options,
                   seeds=len(group),
                   epochs=pre[0].get('epochs'),
                   iters=pre[0].get('iters'),
                   pretrain_min=mean_std([p['wall_s'] / 60 for p in pre
                                          if p.get('iters')]),
                   images_per_s=mean_std([p.get('images_per_s')
                                          for p in pre if p]))
        for key in ('linear/top1', 'linear/top5', 'knn/top1', 'knn/top5',
                    'lowshot/top1'):
            row[key] = mean_std([r['frozen'].get(key) for r in group])
        row['finetune/top1'] = mean_std(
            [r['finetune']['finetune/top1'] for r in group
             if r.get('finetune')])
        rows.append(row)
    control = next(r for r in rows if r['method'] == RANDOM)
    start = next((r for r in rows if r['method'] == START), None)
    baselines = [r for r in rows if r['name'] in BASELINES]
    best = max(baselines, key=lambda r: r['linear/top1'][0]) \
        if baselines else None
    for row in rows:
        row['delta_random'] = paired_delta(
            results, row['name'], RANDOM,
            functools.partial(metric, key='linear/top1'))
        row['delta_random/lowshot'] = paired_delta(
            results, row['name'], RANDOM,
            functools.partial(metric, key='lowshot/top1'))
        if start is not None:  # what the pretraining iterations added
            for key in ('linear/top1', 'finetune/top1'):
                row[f'delta_start/{key}'] = paired_delta(
                    results, row['name'], START,
                    functools.partial(metric, key=key))
        if best is not None:
            row['best_baseline'] = best['name']
            for key in ('linear/top1', 'finetune/top1'):
                row[f'delta_best/{key}'] = paired_delta(
                    results, row['name'], best['name'],
                    functools.partial(metric, key=key))
        if row is not control and row is not start:
            row['beats_random'] = row['linear/top1'][0] > \
                control['linear/top1'][0]
            if start is not None:
                row['beats_start'] = row['linear/top1'][0] > \
                    start['linear/top1'][0]
    return rows


def metric(result: dict, key: str):
    part = result.get('finetune' if key.startswith('finetune') else
                      'frozen') or {}
    return part.get(key)


def markdown(rows: list, encoder: str, lowshot: int) -> str:
    best = rows[0].get('best_baseline', '-')
    shots = f'{lowshot:,}-label linear'
    has_start = any(r['method'] == START for r in rows)
    starts = [f'Δ {k} vs {START}' for k in ('linear', 'fine-tune')
              if has_start]
    head = ['method', 'encoder', 'pretrain epochs (iters)', 'pretrain min',
            'pretrain img/s', 'linear top-1', 'kNN top-1', 'fine-tune top-1',
            f'{shots} top-1', 'Δ linear vs random-init',
            f'Δ {shots} vs random-init', *starts, f'Δ linear vs {best}',
            f'Δ fine-tune vs {best}', 'beats random-init']
    body = []
    for r in rows:
        epochs = '-' if r['iters'] is None else \
            f'{r["epochs"]:.2f} ({r["iters"]})'
        beats = {True: 'yes', False: '**NO**'}.get(r.get('beats_random'),
                                                  '(control)')
        body.append([
            r['name'], encoder, epochs, fmt(r['pretrain_min'], 1),
            fmt(r['images_per_s'], 0), fmt(r['linear/top1']),
            fmt(r['knn/top1']), fmt(r['finetune/top1']),
            fmt(r['lowshot/top1']), fmt(r['delta_random'], sign=True),
            fmt(r['delta_random/lowshot'], sign=True),
            *[fmt(r.get(f'delta_start/{k}'), sign=True)
              for k in ('linear/top1', 'finetune/top1') if has_start],
            fmt(r.get('delta_best/linear/top1'), sign=True),
            fmt(r.get('delta_best/finetune/top1'), sign=True), beats])
    return markdown_table(head, body)


def chart(rows: list, path: str, title: str) -> None:
    keys = [k for k in ('linear/top1', 'knn/top1', 'finetune/top1',
                        'lowshot/top1')
            if any(r[k][0] is not None for r in rows)]
    bar_chart([r['name'] for r in rows],
              {k: [r[k] for r in rows] for k in keys}, path, title)


def main():
    args = parse_args()
    from mmengine.logging import MMLogger  # in-process feature passes: quiet
    MMLogger.get_instance('compare_ssl', log_level='WARNING')
    methods = PRETRAIN_METHODS[args.encoder]
    chosen = args.methods or methods
    unknown = set(chosen) - set(methods)
    if unknown:
        raise SystemExit(f'--methods {sorted(unknown)}: {args.encoder} '
                         f'supports {list(methods)}.')
    if args.ablate and args.encoder != 'vit-tiny-p4':
        raise SystemExit('--ablate: the variants are written for '
                         'vit-tiny-p4 (MAE, patch mask generator).')
    variants = args.variant + list(ABLATIONS if args.ablate else ())
    controls = [RANDOM] + [START] * bool(ENCODERS[args.encoder]['start'])
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
    table = markdown(rows, args.encoder, args.lowshot_labels)
    bn_stats = (f're-estimated on {args.recalibrate_bn} training images'
                if args.recalibrate_bn else 'as pretrained')
    budget = (f'budget {args.budget}: {args.pretrain_iters} pretraining '
              f'iterations, batch {args.pretrain_batch}, {args.seeds} '
              f'seed(s), mean ± std over seeds, Δ = paired per-seed '
              f'difference; fine-tune {args.finetune_iters if args.finetune else 0} '
              f'iterations; probe: {args.probe}; BatchNorm statistics '
              f'{bn_stats}; {results[0]["frozen"]["num_train"]} '
              f'train / {results[0]["frozen"]["num_test"]} test images')
    print(f'\n## compare_ssl: {args.encoder} on Fashion-MNIST 32 px\n\n'
          f'{budget}\n\n{table}\n')
    for r in rows:
        for control in controls:
            key = 'beats_random' if control == RANDOM else 'beats_start'
            if r.get(key) is False:
                ref = next(c for c in rows if c['name'] == control)
                print(f'WARNING: {r["name"]} does not beat the {control} '
                      f'control on linear top-1 ({fmt(r["linear/top1"])} '
                      f'vs {fmt(ref["linear/top1"])}).')
    total = time.perf_counter() - start
    print(f'total wall time {total / 60:.1f} min')

    os.makedirs(args.out_dir, exist_ok=True)
    stem = osp.join(args.out_dir, f'compare_ssl_{args.encoder}' +
                    ('_ablation' if args.ablate else '') +
                    ('_smoke' if args.smoke else ''))
    with open(stem + '.md', 'w') as f:
        f.write(f'{budget}\n\n{table}\n')
    chart(rows, stem + '.png', f'{args.encoder}, Fashion-MNIST 32 px: '
              f'{budget}')
    with open(stem + '.json', 'w') as f:
        json.dump(dict(command=' '.join(sys.argv), args=vars(args),
                       machine=dict(platform=platform.platform(),
                                    cpus=os.cpu_count()),
                       total_wall_s=total, summary=rows, runs=results),
                  f, indent=2, default=str)
    print(f'wrote {stem}.md, .json and .png')


if __name__ == '__main__':
    main()
