#!/usr/bin/env bash
# Here, before a device run of compare_ssl_gpu.sh: the OpenMMLab stack's
# pure-Python packages for the device's Python 3.12, unpacked into
# .dev/site (mmcv 2.1.0 as its Python tree, without the compiled ops), and
# Fashion-MNIST's .gz files in .dev/fmnist. .dev is git-ignored through
# .git/info/exclude and travels with run(carry=['.dev']).
set -euo pipefail
cd "$(dirname "$0")/../.."
grep -qx '/.dev/' .git/info/exclude 2>/dev/null || echo /.dev/ >> .git/info/exclude
rm -rf .dev && mkdir -p .dev/site .dev/fmnist .dev/wheels
# importlib-metadata 8.7: 10.x imports lazy_importer, which is not packed
python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 \
  --implementation cp --platform manylinux_2_28_x86_64 --platform any \
  -d .dev/wheels mmengine==0.10.7 mmpretrain==1.2.0 addict yapf termcolor \
  mat4py modelindex model-index platformdirs ordered-set \
  'importlib-metadata==8.7.0' 'setuptools==81.0.0'
for w in .dev/wheels/*.whl; do unzip -o -q "$w" -d .dev/site; done
SRC=$(mktemp -d)
# the venv's pip: mmcv's metadata step imports torch (as in tools/setup.sh)
.venv/bin/python -m pip download -q --no-deps --no-binary :all: \
  --no-build-isolation mmcv==2.1.0 -d "$SRC"
tar xzf "$SRC"/mmcv-2.1.0.tar.gz -C "$SRC"
cp -r "$SRC"/mmcv-2.1.0/mmcv .dev/site/
rm -rf "$SRC" .dev/wheels .dev/site/mmcv/ops/csrc .dev/site/_distutils_hack \
  .dev/site/distutils-precedence.pth .dev/site/tests .dev/site/yapftests
cp /usr/share/datasets/fashion-mnist/*.gz .dev/fmnist/
# the fixed splits (tools/setup.sh writes them)
cp data/fashion_mnist/splits.json .dev/fmnist/
du -sh .dev
