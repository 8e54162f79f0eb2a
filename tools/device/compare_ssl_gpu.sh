#!/usr/bin/env bash
# compare_ssl's 3-seed test run (CPU budget: the same configs, iterations,
# batches and images as on 2 CPU cores) on a lent GPU, as one command:
#
#   DATASET=fmnist bash tools/device/compare_ssl_gpu.sh
#
# The machine image has torch but not the OpenMMLab stack: the pure-Python
# packages travel unpacked in .dev/site (mmengine, mmpretrain, mmcv 2.1.0's
# Python tree without its compiled ops, which compare_ssl never imports) and
# Fashion-MNIST's .gz files in .dev/fmnist; tools/device/prepare_site.sh
# makes both here. The repository is run from /work/main so that the stage
# files (absolute checkpoint paths, config digests) read back here as a
# finished run: copy $OUT/stages.tar's work dir over yours and rerun
# compare_ssl without --shard for the table.
#
# Measured on an H200 (2026-12-04, 27 shards, one job each, fp32): the
# 12 control jobs took 3.9-6.3 min; the 12 MAE, SimMIM and element-wise
# jobs had not finished at 7.5 min (27 processes time-share one GPU and 16
# cores; the block-wise ones hit the impl='auto' bug fixed that day), so a
# full run needs more than one 10-minute call: fewer shards, or the
# pretraining jobs in a call of their own (finished stages are kept while
# the machine stays warm; a fresh one needs the work dir carried).
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-work_dirs/device}
DATASET=${DATASET:-fmnist}
SHARDS=${SHARDS:-27}  # one job (a method at a seed) each at the default
SHARD_TIMEOUT=${SHARD_TIMEOUT:-450}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1 OMP_NUM_THREADS=1
if [ "$(pwd -P)" != /work/main ]; then
  mkdir -p /work && ln -sfn "$(pwd -P)" /work/main && cd /work/main
fi
PY=${PYTHON:-python3}
source tools/device/use_site.sh
if [ "$DATASET" = fmnist ]; then
  mkdir -p data/fashion_mnist
  for f in .dev/fmnist/*.gz; do
    gunzip -c "$f" > "data/fashion_mnist/$(basename "$f" .gz)"
  done
  cp .dev/fmnist/splits.json data/fashion_mnist/  # the fixed splits
fi
{
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
  $PY -c 'import torch, mmcv, mmengine, mmpretrain, finola_mm
print("torch", torch.__version__, torch.cuda.is_available() and torch.cuda.get_device_name(),
      "mmcv", mmcv.__version__, "mmengine", mmengine.__version__,
      "mmpretrain", mmpretrain.__version__)'
} 2>&1 | tee "$OUT/env.txt"
grep -q '^torch ' "$OUT/env.txt" || exit 1
ARGS="--dataset $DATASET --split test ${EXTRA_ARGS:-}"
start=$(date +%s)
pids=()
for ((k = 0; k < SHARDS; k++)); do
  timeout -k 5 "$SHARD_TIMEOUT" $PY tools/benchmarks/compare_ssl.py $ARGS \
    --shard "$k/$SHARDS" > "$OUT/shard$k.log" 2>&1 &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
echo "shards: $(( $(date +%s) - start )) s, $failed of $SHARDS unfinished" \
  | tee -a "$OUT/env.txt"
# the table only when every stage is done (else it would start them)
[ "$failed" = 0 ] && timeout 90 $PY tools/benchmarks/compare_ssl.py $ARGS \
  > "$OUT/table.log" 2>&1 && tail -40 "$OUT/table.log"
for k in $(seq 0 $((SHARDS - 1))); do echo "== shard $k"; cat "$OUT/shard$k.log"; done \
  > "$OUT/shards.log" && rm -f "$OUT"/shard[0-9]*.log
grep -h "ETA\|Error\|error" "$OUT/shards.log" | tail -30
# every stage's result (no checkpoints) and the reports
find work_dirs/compare_ssl* -name '*.json' -not -path '*/vis_data/*' \
  -not -path '*/20*' | tar cf "$OUT/stages.tar" -T -
cp work_dirs/benchmarks/compare_ssl_*test* "$OUT/" 2>/dev/null
ls -la "$OUT"
