"""The one-command comparison runs end to end (smoke mode) and reports every
method against the random-init control."""
import json
import os.path as osp
import subprocess
import sys

from conftest import ROOT

SCRIPT = osp.join(ROOT, 'tools/benchmarks/compare_ssl.py')
METHODS = ('random-init', 'masked-finola-e', 'masked-finola-b', 'mae',
           'simmim')


def test_compare_ssl_smoke_reports_every_method(tmp_path):
    out = tmp_path / 'out'
    cmd = [sys.executable, SCRIPT, '--smoke', '--work-dir',
           str(tmp_path / 'runs'), '--out-dir', str(out),
           '--variant', 'mae-r50=mae:model.backbone.mask_ratio=0.5']
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    rows = [ln for ln in run.stdout.splitlines() if ln.startswith('| ')][1:]
    assert [r.split('|')[1].strip() for r in rows] == [*METHODS, 'mae-r50']
    stem = out / 'compare_ssl_vit-tiny-p4_smoke'
    report = json.loads(stem.with_suffix('.json').read_text())
    summary = {r['name']: r for r in report['summary']}
    for name in (*METHODS, 'mae-r50'):
        top1 = summary[name]['linear/top1'][0]
        assert 0 <= top1 <= 100 and summary[name]['knn/top1'][0] is not None
        assert (summary[name].get('beats_random') is None) == \
            (name == 'random-init')
    # a method that does not beat the control is named, not hidden
    for name, row in summary.items():
        if row.get('beats_random') is False:
            assert f'WARNING: {name} does not beat' in run.stdout
    # the variant really pretrained with its option
    cfg = (tmp_path / 'runs' / 'mae-r50_seed0' / 'pretrain' /
           'config.py').read_text()
    assert 'mask_ratio=0.5' in cfg
    assert stem.with_suffix('.png').stat().st_size > 5000

    # rerunning continues: every finished stage is read back, none rerun
    again = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 0 and '(cached)' in again.stdout
    assert json.loads(stem.with_suffix('.json').read_text())['summary'] == \
        report['summary']


def lookup(cfg, key: str):
    for part in key.split('.'):
        cfg = cfg[int(part)] if part.isdigit() else cfg[part]
    return cfg


def test_every_ablation_variant_changes_what_it_names():
    """--ablate's options merge into their method's config and land on the
    intended field (the mask ratio on the patch mask generator, not on
    another pipeline step)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location('compare_ssl', SCRIPT)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    enc = tool.ENCODERS['vit-tiny-p4']
    for text in tool.ABLATIONS:
        name, method, options = tool.parse_variant(text, enc['methods'])
        path = osp.join(ROOT, 'configs/masked_pretrain',
                        enc['pretrain'].format(method))
        base = tool.budget_config(path, 200, 0, {}, smoke=False)
        cfg = tool.budget_config(path, 200, 0, options, smoke=False)
        assert cfg.train_cfg.max_iters == 200
        for key, value in options.items():
            # an existing field, changed (not a new key nobody reads)
            assert lookup(base, key) != value, (name, key)
            assert lookup(cfg, key) == value, (name, key)
        if tool.MASK_RATIO in options:
            step = cfg.train_dataloader.dataset.pipeline[3]
            assert step['type'] == 'PatchMaskGenerator', name
