#!/usr/bin/env bash
# One-shot set-up on a fresh machine: venv, pinned OpenMMLab stack (mmcv built
# from source with its CPU ops), the embedded Fashion-MNIST dataset, and
# finola_mm itself in editable mode; CIFAR-10 when an archive is given
# (FINOLA_CIFAR10_ARCHIVE) or found. Safe to re-run: finished steps are
# skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PY=${PYTHON:-python3.11}
DATA_DIR=${FINOLA_DATA:-data/fashion_mnist}

log() { echo "[setup $(date +%H:%M:%S)] $*"; }

# 1. Embedded dataset: Debian's dataset-fashion-mnist, gunzipped where
#    mmpretrain.datasets.FashionMNIST reads it.
FMNIST_SRC=/usr/share/datasets/fashion-mnist
if [ ! -f "$FMNIST_SRC/train-images-idx3-ubyte.gz" ]; then
  log "installing dataset-fashion-mnist (apt)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq dataset-fashion-mnist
fi
mkdir -p "$DATA_DIR"
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  [ -s "$DATA_DIR/$f" ] || { gunzip -c "$FMNIST_SRC/$f.gz" > "$DATA_DIR/$f.tmp" && mv "$DATA_DIR/$f.tmp" "$DATA_DIR/$f"; }
done
log "Fashion-MNIST ready in $DATA_DIR"

# 2. venv and the pinned stack.
[ -x "$VENV/bin/python" ] || { log "creating $VENV"; $PY -m venv "$VENV"; }
PIP="$VENV/bin/python -m pip"
$PIP install -q --upgrade pip wheel ninja
log "torch + torchvision"
$PIP install -q torch==2.14.1 torchvision==0.29.1
$PIP install -q 'setuptools>=77,<82'
if ! "$VENV/bin/python" -c 'import mmcv.ops' 2>/dev/null; then
  # mmcv 2.1.0 ships only an sdist, and its setup.py compiles with -std=c++17;
  # torch 2.14's headers need C++20. Patch that one flag, build from the
  # patched tree (never from pip's wheel cache, which ignores the torch version).
  log "building mmcv 2.1.0 from source with CPU ops (about 13 minutes on 2 cores)"
  SRC=$(mktemp -d)
  $PIP download -q --no-deps --no-binary :all: --no-build-isolation mmcv==2.1.0 -d "$SRC"
  tar xzf "$SRC"/mmcv-2.1.0.tar.gz -C "$SRC"
  sed -i 's/-std=c++17/-std=c++20/g' "$SRC"/mmcv-2.1.0/setup.py
  MAX_JOBS=${MAX_JOBS:-$(nproc)} $PIP install -q --no-cache-dir --no-build-isolation "$SRC"/mmcv-2.1.0
  rm -rf "$SRC"
fi
log "rest of requirements.txt"
$PIP install -q -r requirements.txt
# transformers breaks mmpretrain's multimodal imports; keep it out.
$PIP uninstall -y -q transformers 2>/dev/null || true
$PIP install -q --no-build-isolation --no-deps -e .
"$VENV/bin/python" -c 'import finola_mm, mmcv.ops, mmdet, mmpretrain, mmseg.models; print("finola_mm", finola_mm.__version__, "ready")'
# 3. The COCO-format demo set for detection transfer and the segmentation
#    set made from it (seconds; skipped when they exist with the same
#    arguments).
"$VENV/bin/python" tools/data/make_demo_coco.py --out data/demo_coco >/dev/null
"$VENV/bin/python" tools/data/make_demo_seg.py --out data/demo_seg --coco data/demo_coco >/dev/null
log "demo sets ready in data/demo_coco and data/demo_seg"
# 4. The fixed class-balanced train/val/probe splits of Fashion-MNIST
#    (data/fashion_mnist/splits.json; kept when up to date).
"$VENV/bin/python" tools/data/make_splits.py --data-root "$DATA_DIR"
# 5. CIFAR-10 as an image folder (data/cifar10), from the archive in
#    FINOLA_CIFAR10_ARCHIVE or the first one found next to the project: the
#    shared JPEG export or the official cifar-10-python.tar.gz. None found is
#    not an error: only the CIFAR-10 configs need it.
CIFAR_OUT=${FINOLA_CIFAR10:-data/cifar10}
CIFAR_CANDIDATES=(data/cifar10-jpeg.tar.gz data/cifar-10-python.tar.gz
  ../shared/data/cifar10-jpeg.tar.gz ../cifar10-jpeg.tar.gz
  ../cifar-10-python.tar.gz)
CIFAR_ARCHIVE=${FINOLA_CIFAR10_ARCHIVE:-}
if [ -z "$CIFAR_ARCHIVE" ]; then
  for candidate in "${CIFAR_CANDIDATES[@]}"; do
    [ -f "$candidate" ] && { CIFAR_ARCHIVE=$candidate; break; }
  done
fi
if [ -n "$CIFAR_ARCHIVE" ]; then
  log "CIFAR-10 from $CIFAR_ARCHIVE"
  "$VENV/bin/python" tools/data/prepare_cifar10.py --archive "$CIFAR_ARCHIVE" --out "$CIFAR_OUT"
else
  log "CIFAR-10: no archive found (looked for FINOLA_CIFAR10_ARCHIVE and ${CIFAR_CANDIDATES[*]}); the CIFAR-10 configs need $CIFAR_OUT: rerun with FINOLA_CIFAR10_ARCHIVE=/path/to/cifar-10-python.tar.gz (or the JPEG export)"
fi
log "done"
