"""The one-command comparison runs end to end (smoke mode) and reports every
method against the random-init control."""
import json
import os.path as osp
import subprocess
import sys

from conftest import ROOT

SCRIPT = osp.join(ROOT, 'tools/benchmarks/compare_ssl.py')
CONTROLS = ('random-init', 'untrained-start', 'raw-pixels', 'supervised')


def load_tool():
    """The script as a module, for its functions."""
    from tools.benchmarks import compare_ssl
    return compare_ssl


def test_compare_ssl_smoke_reports_every_method(tmp_path):
    out = tmp_path / 'out'
    cmd = [sys.executable, SCRIPT, '--smoke', '--seeds', '2', '--work-dir',
           str(tmp_path / 'runs'), '--out-dir', str(out),
           '--lowshot-labels', '32', '--no-finetune',
           '--methods', 'mae',
           '--variant', 'mae-r50=mae:model.backbone.mask_ratio=0.5']
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    lines = [ln for ln in run.stdout.splitlines() if ln.startswith('| ')]
    head = [c.strip() for c in lines[0].split('|')[1:-1]]
    rows = [[c.strip() for c in ln.split('|')[1:-1]] for ln in lines[1:]]
    # the test table ends with Fashion-MNIST's anchors, below our rows
    anchors = [label for label, _ in load_tool().FMNIST_ANCHORS]
    assert [r[0] for r in rows] == [*CONTROLS, 'mae', 'mae-r50', *anchors]
    rows = rows[:-len(anchors)]
    # every score column names its split; every row: mean ± std over the 2
    # seeds, and paired differences against MAE and the best control
    for col in ('linear top-1 (test)', 'kNN top-1 (test)',
                '32-label linear top-1 (test)', 'Δ linear vs mae',
                'Δ kNN vs mae', 'Δ linear vs best control',
                'Δ kNN vs best control'):
        for row in rows:
            if row[0] != 'supervised':   # no frozen read-out
                assert ' ± ' in row[head.index(col)], (col, row)
    # the supervised control is the fine-tune recipe from scratch at equal
    # compute: it has a fine-tune score even with --no-finetune
    sup = rows[CONTROLS.index('supervised')]
    assert ' ± ' in sup[head.index('fine-tune top-1 (test)')]
    assert sup[head.index('linear top-1 (test)')] == '-'
    # MAE's paired difference with itself is exactly 0 per seed
    mae = rows[len(CONTROLS)]
    assert mae[head.index('Δ linear vs mae')] == '+0.00 ± 0.00'
    # the caption names the recommended setting, and that it did not run
    assert 'The recommended Masked FINOLA setting: masked-finola-e-' \
        'recommended, chosen on test (2026-11-30) (not run here).' \
        in run.stdout
    stem = out / 'compare_ssl_vit-tiny-p4_test_smoke'
    report = json.loads(stem.with_suffix('.json').read_text())
    assert report['meta']['total_wall_s'] > 0 and \
        report['tables']['main']['head'] == head
    summary = {r['name']: r for r in report['summary']}
    assert {r['seed'] for r in report['runs']} == {0, 1}
    for name in (*CONTROLS, 'mae', 'mae-r50'):
        assert summary[name]['seeds'] == 2
        if name == 'supervised':
            continue
        frozen = [r['frozen'] for r in report['runs'] if r['name'] == name]
        # chosen on val, then scored once on test
        assert {f['scored_on'] for f in frozen} == {'test'}
        assert all(f['linear/chosen'] and f['knn/chosen'] for f in frozen)
        top1 = summary[name]['linear/top1'][0]
        assert 0 <= top1 <= 100 and summary[name]['knn/top1'][0] is not None
        # the low-shot probe saw its 32 labels, not the 64 of the bank
        assert {f['lowshot_labels'] for f in frozen} == {32}
        assert {f['num_train'] for f in frozen} == {64}
        # the paired difference is the mean of per-seed differences
        per_seed = {r['seed']: r['frozen']['linear/top1']
                    for r in report['runs'] if r['name'] == name}
        control = {r['seed']: r['frozen']['linear/top1']
                   for r in report['runs'] if r['name'] == 'random-init'}
        diff = sum(per_seed[s] - control[s] for s in (0, 1)) / 2
        assert abs(summary[name]['delta_random'][0] - diff) < 1e-9
        assert (summary[name].get('beats_controls') is None) == \
            (name in CONTROLS)
    # the raw-pixel control's features are the 3 x 32 x 32 pixels
    raw = next(r for r in report['runs'] if r['name'] == 'raw-pixels')
    assert raw['finetune'] is None and raw.get('pretrain') is None
    # a method that does not beat every control is named, not hidden
    for name, row in summary.items():
        if row.get('beats_controls') is False:
            assert f'WARNING: {name} does not beat' in run.stdout
    # the untrained start is MAE's own run at that seed, stopped before its
    # first iteration: the same config but for the hook that saves and
    # stops, and a checkpoint of iteration 0 with the fixed sin-cos table
    import torch
    from mmengine.config import Config
    from mmpretrain.models.utils import build_2d_sincos_position_embedding
    runs = tmp_path / 'runs'
    start_cfg, mae_cfg = (Config.fromfile(runs / f'{name}_seed1' / 'pretrain'
                                          / 'config.py').to_dict()
                          for name in ('untrained-start', 'mae'))
    hook = start_cfg['custom_hooks'].pop()
    for cfg in (start_cfg, mae_cfg):
        cfg.pop('work_dir')  # tools/train.py records each run's own
    assert hook == dict(type='InitialWeightsHook', filename='iter_0.pth',
                        stop=True)
    assert start_cfg == mae_cfg
    start = torch.load(runs / 'untrained-start_seed1' / 'pretrain' /
                       'iter_0.pth', weights_only=True)
    assert start['meta']['iter'] == 0 and start['meta']['seed'] == 1
    pos = start['state_dict']['backbone.pos_embed'][:, 1:]
    assert torch.allclose(pos, build_2d_sincos_position_embedding(8, 128))
    # the variant really pretrained with its option
    cfg = (tmp_path / 'runs' / 'mae-r50_seed0' / 'pretrain' /
           'config.py').read_text()
    assert 'mask_ratio=0.5' in cfg
    # the supervised control trained on `train`, validated on `val`, and its
    # iterations match pretraining + fine-tuning in images
    sup_cfg = Config.fromfile(runs / 'supervised_seed0' / 'supervised' /
                              'config.py')
    assert sup_cfg.train_dataloader.dataset.split == 'train'
    assert sup_cfg.val_dataloader.dataset.split == 'val'
    assert stem.with_suffix('.png').stat().st_size > 5000

    # rerunning continues: every finished stage is read back, none rerun
    again = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 0 and '(cached)' in again.stdout
    assert json.loads(stem.with_suffix('.json').read_text())['summary'] == \
        report['summary']


def test_a_choice_on_val_never_reads_the_test_images(cifar_folder, tmp_path):
    """--split val (screens, ablations): every stage scores the val split;
    with the test images gone, the whole run still succeeds, and its
    table says val."""
    import shutil
    root = tmp_path / 'cifar'
    shutil.copytree(cifar_folder, root)
    shutil.rmtree(root / 'test')
    out = tmp_path / 'out'
    run = subprocess.run(
        [sys.executable, SCRIPT, '--smoke', '--seeds', '1', '--dataset',
         'cifar10', '--split', 'val', '--data-root', str(root),
         '--methods', 'mae', '--lowshot-labels', '16', '--no-finetune',
         '--work-dir', str(tmp_path / 'runs'), '--out-dir', str(out)],
        cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    head = next(ln for ln in run.stdout.splitlines() if ln.startswith('| '))
    assert 'linear top-1 (val)' in head and '(test)' not in head
    report = json.loads((out / 'compare_ssl_vit-tiny-p4_cifar10_val_smoke'
                         '.json').read_text())
    names = [r['name'] for r in report['summary']]
    assert names == [*CONTROLS, 'mae']
    for r in report['runs']:
        for part in (r['frozen'], r['finetune']):
            assert not part or part['scored_on'] == 'val'
    # a screen is a choice: it may not be made on test
    refused = subprocess.run(
        [sys.executable, SCRIPT, '--smoke', '--ablate', '--split', 'test'],
        cwd=ROOT, capture_output=True, text=True)
    assert refused.returncode != 0 and '--split val' in refused.stderr


def test_the_screen_rule_picks_the_best_masked_finola_row():
    """The rule fixed before the CIFAR-10 screen: the Masked FINOLA row with
    the highest mean of linear and kNN top-1; MAE and controls never win,
    and a row without both scores is not a candidate."""
    choose = load_tool().screen_choice

    def row(name, method, linear, knn):
        return {'name': name, 'method': method, 'linear/top1': (linear, 0),
                'knn/top1': (knn, 0)}
    rows = [row('mae', 'mae', 60., 60.),
            row('raw-pixels', 'raw-pixels', 50., 50.),
            row('masked-finola-e', 'masked-finola-e', 48., 40.),
            row('finola-e-c512', 'masked-finola-e', 46., 43.),   # 44.5
            row('masked-finola-b', 'masked-finola-b', 50., None)]
    assert choose(rows) == 'finola-e-c512'
    assert choose(rows[:2]) is None


def test_anchors_stand_under_test_tables_only():
    """Published anchors are test numbers: a test table ends with them, in
    their columns, marked as anchors; a val table (a screen) has none."""
    tool = load_tool()
    row = {'name': 'mae', 'iters': 2000, 'epochs': 2.8,
           'pretrain_min': (8., 0.), 'beats_controls': True,
           **{k: (50., 1.) for k in tool.METRICS}}
    anchors = (('anchor: x', {'finetune/top1': 89.8}), )
    head, body = tool.table_rows([row], 'test', 1000, anchors)
    assert [len(b) for b in body] == [len(head)] * 2
    last = dict(zip(head, body[-1]))
    assert last['fine-tune top-1 (test)'] == '89.8'
    assert last['linear top-1 (test)'] == '-' and '(anchor)' in body[-1]
    assert len(tool.table_rows([row], 'val', 1000, anchors)[1]) == 1
    assert all(d['anchors'] for d in tool.DATASETS.values())


def lookup(cfg, key: str):
    for part in key.split('.'):
        cfg = cfg[int(part)] if part.isdigit() else cfg[part]
    return cfg


def test_every_ablation_variant_changes_what_it_names():
    """--ablate's options merge into their method's config and land on the
    intended field (the mask ratio on the patch mask generator, not on
    another pipeline step)."""
    tool = load_tool()
    from tools.benchmarks.engine import PRETRAIN_METHODS, pretrain_config
    for text in tool.ABLATIONS:
        name, method, options = tool.parse_variant(
            text, PRETRAIN_METHODS['vit-tiny-p4'])
        path = pretrain_config(method, 'vit-tiny-p4')
        base = tool.budget_config(path, 200, 0, {}, smoke=False)
        cfg = tool.budget_config(path, 200, 0, options, smoke=False)
        assert cfg.train_cfg.max_iters == 200
        for key, value in options.items():
            # an existing field, changed (not a new key nobody reads)
            if key.startswith(tool.MASK):
                field = key[len(tool.MASK):]
                before = tool.mask_generator_step(base)[field]
                after = tool.mask_generator_step(cfg)[field]
                assert after == value and before != value, (name, key)
                continue
            assert lookup(cfg, key) == value, (name, key)
            try:
                before = lookup(base, key)
            except KeyError:  # unset: the consuming class's default
                before = default_of(base, key)
            assert before != value, (name, key)


def default_of(cfg, key: str):
    """The constructor default behind a key the config leaves unset, e.g.
    model.neck.pool -> FINOLANeck(pool=...) or model.neck.finola_cfg.init_std
    -> FINOLA(init_std=...); a key no constructor takes fails here."""
    import inspect

    import finola_mm  # noqa: F401  registers the modules
    from finola_mm.finola import FINOLA
    from finola_mm.models.necks.conv_decoder import ConvDecoder
    from mmpretrain.registry import MODELS
    *path, leaf = key.split('.')
    cls = {'finola_cfg': FINOLA, 'decoder_cfg': ConvDecoder}.get(path[-1])
    if cls is None:
        cls = MODELS.get(lookup(cfg, '.'.join(path))['type'])
    for klass in cls.__mro__:   # a mixin may take it (mae_init)
        param = inspect.signature(klass.__init__).parameters.get(leaf)
        if param is not None:
            return param.default
    raise KeyError(f'no constructor of {cls.__name__} takes {leaf!r}')


def test_frozen_results_made_another_way_are_recomputed():
    """A cached frozen stage from before the read-out was tuned on val, of
    another split, or of other image counts is not read back."""
    import argparse
    tool = load_tool()
    args = argparse.Namespace(lowshot_labels=1000, train_images=10000,
                              test_images=0, split='test')
    from finola_mm.evaluation.feature_probe import PROBE_GRID
    current = {'num_train': 10000, 'lowshot_labels': 1000,
               'linear/top1': 80.0, 'train_images': 10000, 'test_images': 0,
               'tuned_on': 'val', 'scored_on': 'test',
               'probe_grid': [list(g) for g in PROBE_GRID]}
    assert tool.frozen_is_current(args, current)
    for old in ('tuned_on', 'scored_on'):
        stale = {k: v for k, v in current.items() if k != old}
        assert not tool.frozen_is_current(args, stale)
    assert not tool.frozen_is_current(args, dict(current, scored_on='val'))
    assert not tool.frozen_is_current(args, dict(current, probe_grid=[]))
    assert not tool.frozen_is_current(args, dict(current,
                                                 train_images=5000))


def test_variant_values_may_be_tuples_and_mask_keys_find_the_generator():
    tool = load_tool()
    name, method, options = tool.parse_variant(
        'x=masked-finola-e:model.neck.decoder_channels=(8,4),'
        'mask_generator.mask_ratio=0.5', ('masked-finola-e',))
    assert options == {'model.neck.decoder_channels': (8, 4),
                       'mask_generator.mask_ratio': 0.5}
    import pytest
    from mmengine.config import Config
    cfg = Config(dict(train_dataloader=dict(dataset=dict(
        pipeline=[dict(type='Resize'), dict(type='PackInputs')]))))
    with pytest.raises(SystemExit, match='no|found 0'):
        tool.mask_generator_step(cfg)


def test_a_cached_run_name_with_other_options_is_refused(tmp_path,
                                                        monkeypatch):
    """Stages are cached by run name; reusing a name with other options, or
    after its config file was edited, must stop with a message rather than
    report the old results."""
    import argparse
    import pytest
    tool = load_tool()
    args = argparse.Namespace(encoder='vit-tiny-p4', pretrain_iters=10,
                              pretrain_batch=64, smoke=False,
                              dataset='fmnist', data_root=None)

    def identity(method, options):
        return tool.run_identity(args, method, options, seed=0)

    work = str(tmp_path / 'finola-e-x_seed0')
    options = {'model.neck.decoder_channels': (8, 4)}
    (tmp_path / 'finola-e-x_seed0').mkdir()
    tool.check_same_run(work, identity('masked-finola-e', options))  # writes
    tool.check_same_run(work, identity('masked-finola-e', options))  # fine
    with pytest.raises(SystemExit, match='another name.*delete'):
        tool.check_same_run(work, identity('masked-finola-e',
                                           {'model.neck.channels': 512}))
    with pytest.raises(SystemExit, match='holds the results of'):
        tool.check_same_run(work, identity('mae', options))
    # the same name, method and options over an edited config file
    original = tool.pretrain_config('masked-finola-e', 'vit-tiny-p4')
    edited = tmp_path / 'edited.py'
    edited.write_text(f'_base_ = {original!r}\n'
                      f'model = dict(backbone=dict(mae_init=False))\n')
    monkeypatch.setattr(tool, 'pretrain_config', lambda *_: str(edited))
    with pytest.raises(SystemExit, match='config_sha256'):
        tool.check_same_run(work, identity('masked-finola-e', options))


def test_shards_split_the_jobs_without_overlap_or_gaps():
    """--shard K/N: N processes sharing one work dir run every job once."""
    import pytest
    tool = load_tool()
    runs = [(name, name, {}) for name in ('random-init', 'mae', 'simmim')]
    everything = tool.shard_jobs(runs, 3, (0, 1))
    assert len(everything) == 9
    shards = [tool.shard_jobs(runs, 3, (k, 2)) for k in range(2)]
    keys = [[(seed, name) for seed, name, *_ in jobs] for jobs in shards]
    assert sorted(keys[0] + keys[1]) == sorted(
        (seed, name) for seed, name, *_ in everything)
    assert not set(keys[0]) & set(keys[1])
    # both shards get work from every seed they can: loads stay close
    assert abs(len(shards[0]) - len(shards[1])) <= 1
    assert tool.parse_shard('1/2') == (1, 2)
    assert tool.parse_shard(None) == (0, 1)
    for bad in ('2/2', '1', 'a/b', '-1/2'):
        with pytest.raises(SystemExit, match='K/N'):
            tool.parse_shard(bad)
