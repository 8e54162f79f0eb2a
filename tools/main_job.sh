#!/usr/bin/env bash
# The main job: train the FINOLA autoencoder on embedded Fashion-MNIST, then
# score the full test split (prints PSNR) and save a reconstruction grid.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
CONFIG=${1:-configs/finola_autoencoder/finola-ae_conv-tiny_c512_1xb64-2k_fmnist-32px.py}
WORK_DIR=${WORK_DIR:-work_dirs/$(basename "$CONFIG" .py)}
$PY tools/train.py "$CONFIG" --work-dir "$WORK_DIR" --resume
CKPT=$(cat "$WORK_DIR/last_checkpoint")
$PY tools/test.py "$CONFIG" "$CKPT" --work-dir "$WORK_DIR"
echo "reconstruction grids: $(ls "$WORK_DIR"/reconstructions/*.png | tr '\n' ' ')"
