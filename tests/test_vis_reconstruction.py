"""tools/visualization/vis_reconstruction.py on a user's own images, for
every pretraining family: the panels are there, large, and consistent."""
import os.path as osp
import sys

import mmcv
import numpy as np
import pytest
import torch

from conftest import MAIN_CONFIG, ROOT

TOOL = osp.join(ROOT, 'tools/visualization/vis_reconstruction.py')
MIM = osp.join(ROOT, 'configs/masked_pretrain/{}_vit-tiny-p4_1xb64-1k_'
               'fmnist-32px.py')
CONFIGS = {'finola-ae': MAIN_CONFIG,
           **{m: MIM.format(m) for m in ('masked-finola-e', 'masked-finola-b',
                                         'mae', 'simmim')}}


def load_tool():
    from tools.visualization import vis_reconstruction
    return vis_reconstruction


def checkpoint(config: str, path) -> str:
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmpretrain.registry import MODELS
    init_default_scope('mmpretrain')
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(config).model)
    model.init_weights()
    torch.save(dict(state_dict=model.state_dict(), meta={}), str(path))
    return str(path)


def user_images(tmp_path) -> list:
    """A colour 200x150 JPEG and a grey 60x60 PNG, neither 32 px."""
    rng = np.random.default_rng(0)
    color = tmp_path / 'photo.jpg'
    mmcv.imwrite(rng.integers(0, 255, (150, 200, 3), dtype=np.uint8),
                 str(color))
    gray = tmp_path / 'sketch.png'
    mmcv.imwrite(np.tile(np.arange(60, dtype=np.uint8) * 4, (60, 1)),
                 str(gray))
    return [str(color), str(gray)]


@pytest.mark.parametrize('method', sorted(CONFIGS))
def test_panels_for_every_family(tmp_path, monkeypatch, method):
    tool = load_tool()
    ckpt = checkpoint(CONFIGS[method], tmp_path / 'model.pth')
    images = user_images(tmp_path)
    out = tmp_path / 'out'
    monkeypatch.setattr(sys, 'argv', ['vis', CONFIGS[method], ckpt, *images,
                                      '--out', str(out)])
    tool.main()
    for name in ('photo', 'sketch'):
        img = mmcv.imread(str(out / f'{name}_reconstruction.png'))
        # five 32 px panels enlarged 8x to 256 px, with titles and gaps
        assert img.shape[0] == 256 + 28 and img.shape[1] == 5 * 256 + 4 * 8
    assert mmcv.imread(str(out / 'grid.png')).shape[0] == 2 * (256 + 28 + 8)

    # the panels agree: pasted = input where visible, prediction where
    # masked; an autoencoder predicts every pixel
    from mmengine.config import Config
    cfg = Config.fromfile(CONFIGS[method])
    pipeline, gray = tool.build_pipeline(cfg)
    assert gray  # Fashion-MNIST models take grey images
    packed = pipeline(dict(img=tool.read_image(images[0], gray)))
    from mmengine.registry import init_default_scope
    from mmengine.runner import load_checkpoint
    from finola_mm.engine.hooks.masked_reconstruction import \
        reconstruction_panels
    from finola_mm.utils import build_model
    init_default_scope('mmpretrain')
    model = build_model(cfg)   # as the tool builds it
    load_checkpoint(model, ckpt, map_location='cpu', strict=True)
    model.eval()
    from mmengine.dataset import default_collate
    p = reconstruction_panels(model, default_collate([packed]))
    mask = p['mask'][:, :1] / 255.
    masked_share = mask.mean().item()
    if method == 'finola-ae':
        assert masked_share == 1.
    else:
        assert 0.5 < masked_share < 0.9   # 75% patches / 3 quadrants
    assert torch.allclose(p['pasted'], p['input'] * (1 - mask) +
                          p['prediction'] * mask)
    assert p['input'].shape == (1, 3, 32, 32)


def test_a_missing_image_is_named(tmp_path, monkeypatch):
    tool = load_tool()
    ckpt = checkpoint(CONFIGS['masked-finola-e'], tmp_path / 'model.pth')
    monkeypatch.setattr(sys, 'argv', ['vis', CONFIGS['masked-finola-e'], ckpt,
                                      str(tmp_path / 'nope.png'), '--out',
                                      str(tmp_path)])
    with pytest.raises(SystemExit, match='nope.png does not exist'):
        tool.main()
