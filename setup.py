from setuptools import find_packages, setup


def read_version():
    scope = {}
    exec(open('finola_mm/version.py').read(), scope)
    return scope['__version__']


setup(
    name='finola_mm',
    version=read_version(),
    description='FINOLA and Masked FINOLA self-supervised pretraining on '
    'OpenMMLab (MMEngine, MMPretrain, MMDetection)',
    long_description=open('README.md').read(),
    long_description_content_type='text/markdown',
    packages=find_packages(include=['finola_mm', 'finola_mm.*']),
    python_requires='>=3.10',
    # The pinned stack, including mmcv built from source, is installed by
    # tools/setup.sh; see requirements.txt.
    install_requires=['mmengine>=0.10.7', 'mmpretrain>=1.2.0', 'matplotlib'],
    license='Apache-2.0',
)
