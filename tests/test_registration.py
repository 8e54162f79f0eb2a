from mmpretrain.registry import DATASETS, HOOKS, METRICS, MODELS, TRANSFORMS

import finola_mm


def test_importing_finola_mm_registers_every_module():
    assert finola_mm.__version__
    for registry, names in (
        (MODELS, ['FINOLAAutoencoder', 'FINOLANeck',
                  'PixelReconstructionHead', 'Autoencoder', 'ConvEncoder',
                  'LinearBottleneckNeck']),
        (DATASETS, ['LocalFashionMNIST']), (TRANSFORMS, ['GrayToRGB']),
        (METRICS, ['PSNR']),
        (HOOKS, ['ReconstructionVisHook', 'CheckpointCompatibilityHook'])):
        for name in names:
            assert registry.get(name) is not None, name
