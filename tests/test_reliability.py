"""Nothing is lost, and bad input is explained: checkpoints, NaNs, errors."""
import glob
import json
import os.path as osp
import signal
import subprocess
import sys
import time

import pytest
import torch
from mmengine.fileio import get_file_backend
from mmengine.runner import Runner

from conftest import ROOT
from mmpretrain.registry import MODELS  # noqa: E402
from finola_mm.models import MaskedFINOLA

MASKED_E = osp.join(ROOT, 'configs/masked_pretrain/'
                    'masked-finola-e_vit-tiny-p4_1xb64-1k_fmnist-32px.py')


def test_local_writes_go_through_the_atomic_backend(tmp_path):
    backend = get_file_backend(str(tmp_path / 'x.pth'))
    assert type(backend).__name__ == 'AtomicLocalBackend'
    backend.put(b'old', tmp_path / 'x.pth')
    backend.put(b'new', tmp_path / 'x.pth')
    assert (tmp_path / 'x.pth').read_bytes() == b'new'
    assert glob.glob(str(tmp_path / '.*.tmp')) == []   # no temp left


def test_a_kill_during_a_checkpoint_write_leaves_a_whole_file(tmp_path):
    path = str(tmp_path / 'iter_1.pth')
    writer = (
        'import io, sys, torch, finola_mm\n'
        'from mmengine.fileio import get_file_backend\n'
        'path = sys.argv[1]; backend = get_file_backend(path)\n'
        'backend.put(b"x", path)  # warm up\n'
        'small, big = io.BytesIO(), io.BytesIO()\n'
        'torch.save({"step": 0}, small)\n'
        'torch.save({"step": 1, "w": torch.ones(40_000_000)}, big)\n'
        'backend.put(small.getvalue(), path)\n'
        'print("ready", flush=True)\n'
        'while True:\n'
        '    backend.put(big.getvalue(), path)\n')
    proc = subprocess.Popen([sys.executable, '-c', writer, path],
                            stdout=subprocess.PIPE, cwd=ROOT)
    assert proc.stdout.readline().strip() == b'ready'
    time.sleep(0.5)                                   # mid-way through writes
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    ckpt = torch.load(path, weights_only=True)        # whole, old or new
    assert ckpt['step'] in (0, 1)
    if ckpt['step'] == 1:
        assert ckpt['w'].numel() == 40_000_000


@MODELS.register_module(force=True)
class NaNAtStepMaskedFINOLA(MaskedFINOLA):
    """Masked FINOLA whose loss turns NaN at training step ``nan_at``."""

    def __init__(self, nan_at: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.nan_at, self.steps = nan_at, 0

    def loss(self, inputs, data_samples, **kwargs):
        self.steps += 1
        losses = super().loss(inputs, data_samples)
        if self.steps == self.nan_at:
            losses['loss'] = losses['loss'] * float('nan')
        return losses


def test_non_finite_loss_stops_training_and_keeps_the_last_good_checkpoint(
        tiny_cfg, tmp_path):
    cfg = tiny_cfg(MASKED_E, tmp_path, iters=4, batch=2)
    cfg.default_hooks.checkpoint.interval = 2
    cfg.model.type = 'NaNAtStepMaskedFINOLA'
    cfg.model.nan_at = 3
    runner = Runner.from_cfg(cfg)
    with pytest.raises(FloatingPointError) as err:
        runner.train()
    message = str(err.value)
    assert 'iteration 3' in message and 'iter_2.pth' in message
    assert '--resume' in message
    assert not osp.exists(tmp_path / 'iter_4.pth')
    state = torch.load(tmp_path / 'iter_2.pth', weights_only=True)
    assert all(torch.isfinite(v).all() for v in state['state_dict'].values()
               if v.is_floating_point())


def test_resume_never_executes_the_config_stored_in_a_checkpoint(
        tiny_cfg, tmp_path):
    marker = tmp_path / 'pwned'
    Runner.from_cfg(tiny_cfg(MASKED_E, tmp_path / 'a', iters=2)).train()
    ckpt_path = tmp_path / 'a' / 'iter_2.pth'
    ckpt = torch.load(ckpt_path, weights_only=True)
    ckpt['meta']['config'] = f'import os\nos.system("touch {marker}")\n'
    torch.save(ckpt, ckpt_path)
    cfg = tiny_cfg(MASKED_E, tmp_path / 'b', iters=3)
    cfg.resume, cfg.load_from = True, str(ckpt_path)
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.iter == 3
    assert not marker.exists(), 'the checkpoint\'s config was executed'


def test_no_code_path_turns_weights_only_off():
    banned = ('weights_only=' + 'False', 'TORCH_FORCE_NO_' + 'WEIGHTS_ONLY')
    sources = glob.glob(osp.join(ROOT, 'finola_mm', '**', '*.py'),
                        recursive=True) + glob.glob(
                            osp.join(ROOT, 'tools', '**', '*.*'),
                            recursive=True)
    offenders = [(p, b) for p in sources for b in banned
                 if b in open(p, errors='ignore').read()]
    assert offenders == []


def test_undecodable_image_names_its_path_index_and_fix(tmp_path):
    from mmpretrain.datasets import CustomDataset
    (tmp_path / 'broken.jpg').write_bytes(b'not a jpeg')
    ds = CustomDataset(data_root=str(tmp_path), with_label=False,
                       pipeline=[dict(type='CheckedLoadImageFromFile'),
                                 dict(type='PackInputs')])
    with pytest.raises(IOError) as err:
        ds[0]
    message = str(err.value)
    assert 'broken.jpg' in message and 'dataset index 0' in message
    assert 'ignore_empty' in message


def test_empty_image_folder_is_a_clear_error(tmp_path):
    from mmpretrain.datasets import CustomDataset
    with pytest.raises(RuntimeError, match='Found 0 files'):
        CustomDataset(data_root=str(tmp_path), with_label=False)


def test_unknown_or_mistyped_config_values_name_the_field():
    base = dict(type='FINOLANeck', in_channels=128, channels=256,
                latent_size=8, img_size=32, decoder_channels=(32, 16, 16))
    with pytest.raises(TypeError, match="FINOLANeck.*'chanels'"):
        MODELS.build(dict(base, chanels=256))
    with pytest.raises(TypeError, match='channels must be an int.*quotes'):
        MODELS.build(dict(base, channels='256'))


def coco_file(tmp_path, annotations):
    path = tmp_path / 'ann.json'
    path.write_text(json.dumps(dict(
        images=[dict(id=1, file_name='a.jpg', width=32, height=24)],
        categories=[dict(id=1, name='shirt'), dict(id=2, name='shoe')],
        annotations=[dict(dict(id=i + 1, image_id=1, area=1.0, iscrowd=0),
                          **a) for i, a in enumerate(annotations)])))
    return str(path)


def build_coco(ann_file):
    from finola_mm.downstream.detection import CheckedCocoDataset
    return CheckedCocoDataset(ann_file=ann_file, data_prefix=dict(img=''),
                              metainfo=dict(classes=('shirt', 'shoe')),
                              pipeline=[])


@pytest.mark.parametrize('bad,expected', [
    (dict(bbox=[20, 4, 20, 10], category_id=1), 'outside the image'),
    (dict(bbox=[2, 2, 0, 5], category_id=2), 'non-positive width'),
    (dict(bbox=[2, 2, 5, 5], category_id=7), 'category_id 7 is not one'),
])
def test_detection_annotation_errors_name_the_file_image_and_box(
        tmp_path, bad, expected):
    good = dict(bbox=[1, 1, 10, 10], category_id=1)
    assert len(build_coco(coco_file(tmp_path, [good]))) == 1
    with pytest.raises(ValueError) as err:
        build_coco(coco_file(tmp_path, [good, bad]))
    message = str(err.value)
    assert expected in message
    assert 'ann.json' in message and 'a.jpg' in message
    assert 'annotation id 2' in message
