"""Checkpoints that must not or cannot be loaded get a finola_mm error that
names the file, through MMEngine's own loading path: a pickle that would run
a command (nothing runs, and no advice to turn the check off), an empty
file, a truncated one, and a file that is no checkpoint."""
import os
import os.path as osp
import re

import pytest
import torch
from mmengine.runner import CheckpointLoader, load_checkpoint

import finola_mm  # noqa: F401  (installs the loader)
from finola_mm.utils import CheckpointLoadError


class RunsACommand:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f'touch {self.marker}', )


def test_poisoned_pickle_is_refused_and_nothing_runs(tmp_path):
    marker = str(tmp_path / 'ran')
    path = str(tmp_path / 'poisoned.pth')
    torch.save({'state_dict': {'w': torch.ones(2)},
                'meta': RunsACommand(marker)}, path)
    with pytest.raises(CheckpointLoadError) as err:
        load_checkpoint(torch.nn.Linear(2, 2), path)
    msg = str(err.value)
    assert path in msg and 'system' in msg
    assert 'Nothing in the file was executed' in msg
    assert 'weights_only' not in msg and 'False' not in msg
    assert err.value.__cause__ is None and err.value.__suppress_context__
    assert not osp.exists(marker)


def test_an_mmengine_checkpoint_still_loads(tmp_path):
    from mmengine.logging import HistoryBuffer
    path = str(tmp_path / 'good.pth')
    history = HistoryBuffer()
    history.update(1.)
    torch.save({'state_dict': {'weight': torch.ones(2, 2),
                               'bias': torch.zeros(2)},
                'message_hub': {'log': history}}, path)
    model = torch.nn.Linear(2, 2)
    load_checkpoint(model, path)
    assert torch.equal(model.weight, torch.ones(2, 2))


@pytest.mark.parametrize('kind,words', [
    ('empty', 'is empty (0 bytes)'),
    ('truncated', 'is truncated or corrupt'),
    ('text', 'is not a PyTorch checkpoint'),
])
def test_broken_files_are_named_with_the_fix(tmp_path, kind, words):
    path = str(tmp_path / f'{kind}.pth')
    if kind == 'empty':
        open(path, 'wb').close()
    elif kind == 'truncated':
        torch.save({'state_dict': {'w': torch.zeros(10000)}}, path)
        data = open(path, 'rb').read()
        open(path, 'wb').write(data[:len(data) // 2])
    else:
        open(path, 'w').write('model weights, honestly\n')
    with pytest.raises(CheckpointLoadError, match=re.escape(words)) as err:
        CheckpointLoader.load_checkpoint(path, map_location='cpu')
    assert path in str(err.value)


class ReachesTofile:
    """getattr(np.ndarray, 'tofile') through the getattr HistoryBuffer needs."""

    def __reduce__(self):
        import numpy as np
        return getattr, (np.ndarray, 'tofile')


def test_getattr_exploit_is_refused_without_torch_advice(tmp_path):
    path = str(tmp_path / 'getattr.pth')
    torch.save({'meta': ReachesTofile()}, path)
    # the allow-list's own getattr refuses it under plain torch.load too
    with pytest.raises(Exception, match='only HistoryBuffer statistics'):
        torch.load(path, weights_only=True)
    with pytest.raises(CheckpointLoadError) as err:
        CheckpointLoader.load_checkpoint(path, map_location='cpu')
    msg = str(err.value)
    assert "getattr(<class 'numpy.ndarray'>, 'tofile')" in msg, msg
    assert 'weights_only' not in msg and path in msg


def test_no_error_repeats_torchs_advice_to_turn_the_check_off(tmp_path):
    path = str(tmp_path / 'text.pth')
    open(path, 'w').write('model weights, honestly\n')
    with pytest.raises(CheckpointLoadError) as err:
        CheckpointLoader.load_checkpoint(path, map_location='cpu')
    assert 'weights_only' not in str(err.value)
    assert 'Unsupported operand' in str(err.value)
