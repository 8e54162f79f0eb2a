"""tools.benchmarks.engine: what every benchmark shares."""
import json
import sys

import pytest
from mmengine.config import Config

from tools.benchmarks import engine as bm


def schedule_cfg(max_iters=1000, warmup=50):
    return Config(dict(
        train_cfg=dict(type='IterBasedTrainLoop', max_iters=max_iters,
                       val_interval=max_iters),
        param_scheduler=[
            dict(type='LinearLR', by_epoch=False, begin=0, end=warmup),
            dict(type='CosineAnnealingLR', by_epoch=False, begin=warmup,
                 end=max_iters)]))


def test_shorten_schedule_scales_or_sets_the_warm_up():
    cfg = schedule_cfg()
    bm.shorten_schedule(cfg, 2000)
    warm, cos = cfg.param_scheduler
    assert (warm.begin, warm.end, cos.begin, cos.end) == (0, 100, 100, 2000)
    assert cfg.train_cfg.max_iters == cfg.train_cfg.val_interval == 2000
    cfg = schedule_cfg()
    bm.shorten_schedule(cfg, 150, warmup=15)
    warm, cos = cfg.param_scheduler
    assert (warm.end, cos.begin, cos.end) == (15, 15, 150)


def test_every_pretrain_config_exists_and_unknown_ones_say_so():
    import os.path as osp
    for encoder, methods in bm.PRETRAIN_METHODS.items():
        for method in methods:
            assert osp.isfile(bm.pretrain_config(method, encoder))
    with pytest.raises(ValueError, match='no pretraining config for mae'):
        bm.pretrain_config('mae', 'mobile-former-tiny')


def test_mask_generator_is_found_by_type():
    cfg = Config.fromfile(bm.pretrain_config('simmim', 'vit-tiny-p4'))
    step = bm.mask_generator_step(cfg)
    assert step['type'] == 'PatchMaskGenerator'
    step['mask_ratio'] = 0.5   # the same dict the config holds
    assert any(t.get('mask_ratio') == 0.5
               for t in cfg.train_dataloader.dataset.pipeline)


def test_report_helpers():
    assert bm.mean_std([1., 3., None]) == (2., 2 ** .5)
    assert bm.mean_std([4.]) == (4., None) and bm.mean_std([]) == (None,
                                                                   None)
    assert bm.fmt((2., 0.)) == '2.00 ± 0.00'
    assert bm.fmt((2., None)) == '2.00' and bm.fmt(None) == '-'
    assert bm.fmt((1.5, 0.25), 1, sign=True) == '+1.5 ± 0.2'
    table = bm.markdown_table(['a', 'b'], [[1, 'x'], [2, 'y']])
    assert table.splitlines() == ['| a | b |', '|---|---|', '| 1 | x |',
                                  '| 2 | y |']


def test_stage_runs_once_then_reads_back(tmp_path):
    calls = []
    path = str(tmp_path / 'r.json')
    first = bm.stage(path, lambda: calls.append(1) or {'v': 1})
    again = bm.stage(path, lambda: calls.append(1) or {'v': 2})
    assert first == ({'v': 1}, False) and again == ({'v': 1}, True)
    assert calls == [1] and json.load(open(path)) == {'v': 1}
    # a cached result the stage now finds outdated is computed again
    newer = bm.stage(path, lambda: {'v': 1, 'extra': 3},
                     current=lambda r: 'extra' in r)
    assert newer == ({'v': 1, 'extra': 3}, False)
    assert bm.stage(path, lambda: {}, current=lambda r: 'extra' in r) == \
        ({'v': 1, 'extra': 3}, True)


def test_config_stage_removes_an_outdated_runs_checkpoints(tmp_path):
    """A run of another config digest is redone from scratch: its folder
    (checkpoints a resume would pick up) goes; the same digest reads back."""
    run = tmp_path / 'pretrain' / 'mae'
    result = str(run / 'result.json')

    def train():
        run.mkdir(parents=True, exist_ok=True)
        assert not (run / 'iter_10.pth').exists()   # nothing to resume
        (run / 'iter_10.pth').write_text('weights')
        return {'checkpoint': str(run / 'iter_10.pth')}

    first = bm.config_stage(result, train, 'a')
    assert first == ({'checkpoint': str(run / 'iter_10.pth'),
                      'config_sha256': 'a'}, False)
    assert bm.config_stage(result, train, 'a')[1] is True
    again, cached = bm.config_stage(result, train, 'b')
    assert not cached and again['config_sha256'] == 'b'


def test_progress_eta_ignores_cached_stages(capsys, monkeypatch):
    clock = iter([0., 0., 60., 120.])
    monkeypatch.setattr(bm.stages.time, 'perf_counter', lambda: next(clock))
    progress = bm.Progress(4)
    progress.step('read back', cached=True)     # at 0 s
    progress.step('ran', cached=False)          # at 60 s: 1 run, 2 left
    out = capsys.readouterr().out.splitlines()
    assert '[1/4] read back' in out[0] and '[2/4] ran' in out[1]
    assert out[1].endswith('elapsed 1.0 min, ETA 2.0 min')


def test_run_logged_shows_the_tail_of_a_failure(tmp_path):
    import sys
    log = str(tmp_path / 'x.log')
    with pytest.raises(RuntimeError, match='boom'):
        bm.run_logged([sys.executable, '-c', 'print("boom"); exit(3)'], log)


@pytest.mark.skipif(not sys.platform.startswith('linux'),
                    reason='prctl is Linux only')
def test_transfer_workers_die_with_the_benchmark():
    """run_jobs' spawned workers are set to be killed with their parent, so
    a killed benchmark leaves no orphan training beside its rerun."""
    import signal
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from tools.benchmarks.engine import runs
    assert runs.parent_death_signal() == 0  # this process: not set
    with ProcessPoolExecutor(1, get_context('spawn'),
                             initializer=bm.start_worker,
                             initargs=(1, )) as pool:
        assert pool.submit(runs.parent_death_signal).result() == \
            signal.SIGKILL


def test_jobs_below_one_is_refused_with_the_fix(capsys):
    """Both transfer tools' --jobs: 0, negative or not a number is a parser
    error that says what to give."""
    import argparse

    from tools.benchmarks.engine.transfer import add_jobs_argument
    parser = argparse.ArgumentParser()
    add_jobs_argument(parser, 'runs')
    assert parser.parse_args(['--jobs', '3']).jobs == 3
    for bad in ('0', '-1', 'two'):
        with pytest.raises(SystemExit):
            parser.parse_args(['--jobs', bad])
        assert f'--jobs: {bad}: give 1 or more' in capsys.readouterr().err


def test_pretraining_configs_load_from_several_threads():
    """transfer_det --jobs N builds pretraining configs in N threads; without
    a lock MMEngine's pkg_resources reload made some of them fail."""
    from concurrent.futures import ThreadPoolExecutor
    methods = ['masked-finola-e', 'masked-finola-b', 'mae', 'simmim'] * 2
    with ThreadPoolExecutor(4) as pool:
        cfgs = list(pool.map(
            lambda m: bm.short_pretrain_config(m, 'vit-tiny-p4', 10, 4),
            methods))
    assert [c.model.type for c in cfgs[:4]] == [
        'MaskedFINOLA', 'MaskedFINOLA', 'MAE', 'SimMIM']
    assert all(c.train_cfg.max_iters == 10 for c in cfgs)


def test_docs_tables_are_generated_from_the_json_a_report_writes(tmp_path):
    """write_report's JSON holds each table as printed; render_docs fills
    a marked block from it, --check-style comparison notices a stale one,
    and a marker naming a missing table is a clear error."""
    import time

    from tools.benchmarks import render_docs
    stem = str(tmp_path / 'docs' / 'results' / 'bench')
    bm.write_report(stem, dict(main=bm.table(
        'bench', ['method', 'top-1'], [['mae', bm.fmt((80.0, 0.5))]],
        'one seed')), dict(rows=[1]), time.perf_counter())
    report = json.load(open(stem + '.json'))
    assert report['rows'] == [1] and report['meta']['command']
    assert report['tables']['main']['rows'] == [['mae', '80.00 ± 0.50']]
    page = ('intro\n<!-- table docs/results/bench.json main -->\nold\n'
            '<!-- /table -->\nend\n')
    new = render_docs.render(page, root=str(tmp_path))
    assert new == ('intro\n<!-- table docs/results/bench.json main -->\n'
                   'one seed\n\n| method | top-1 |\n|---|---|\n'
                   '| mae | 80.00 ± 0.50 |\n<!-- /table -->\nend\n')
    assert render_docs.render(new, root=str(tmp_path)) == new  # current
    with pytest.raises(SystemExit, match="no table 'other'"):
        render_docs.render(page.replace(' main ', ' other '),
                           root=str(tmp_path))
    with pytest.raises(SystemExit, match='no such JSON'):
        render_docs.render(page.replace('bench.json', 'gone.json'),
                           root=str(tmp_path))


def test_every_docs_table_matches_its_committed_json():
    """The README's and docs' generated tables are what their JSON says
    (run tools/benchmarks/render_docs.py after committing new JSON)."""
    from tools.benchmarks import render_docs
    for page in render_docs.pages():
        text = open(page).read()
        assert render_docs.render(text) == text, page


@pytest.mark.parametrize('script', [
    'tools/data/make_demo_coco.py', 'tools/data/make_demo_seg.py',
    'tools/data/prepare_cifar10.py', 'tools/data/make_splits.py',
    'tools/benchmarks/render_docs.py', 'tools/benchmarks/compare_ssl.py',
    'tools/benchmarks/transfer_det.py', 'tools/benchmarks/transfer_seg.py',
    'tools/benchmarks/psnr_vs_c.py', 'tools/benchmarks/ae_ablation.py'])
def test_tools_run_as_scripts_from_the_repository_root(script):
    """tools/ is a package, and its scripts still run by path (setup.sh and
    the README call them so): each imports `tools.` and answers --help."""
    import subprocess
    import sys

    from conftest import ROOT
    run = subprocess.run([sys.executable, script, '--help'], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.startswith('usage:'), run.stdout[:300]
