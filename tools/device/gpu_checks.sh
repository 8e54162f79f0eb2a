#!/usr/bin/env bash
# The Fast-FINOLA checks for a lent GPU, as one command (at most about 8
# minutes; each step has a timeout). Steps 1 and 3 need only the machine
# image's python3 with torch and Triton: finola_mm's maths is loaded
# without the OpenMMLab stack (tools/device/standalone.py). Results land
# in $OUT (or work_dirs/device).
#
#   run(command="bash tools/device/gpu_checks.sh", carry=['.dev'],
#       timeout_s=500)
#
# Measured on an H200 (2026-12-04): 352 s with the default IMPLS; the
# tables are in docs/fast_finola.md.
#
# 1. correctness: impl='triton' and 'torch' on CUDA against the float64
#    position-by-position reference (tools/device/finola_reference.py);
# 2. pretrain_throughput, bf16: tiny ViT 32 px batch 1024 and ViT-B/16
#    224 px batch 64 (the README's GPU rows), when .dev/site carries the
#    OpenMMLab stack's pure-Python packages (tools/device/prepare_site.sh,
#    then run(carry=['.dev'])); skipped without it. IMPLS="auto torch
#    reference" adds the Masked FINOLA rows under each impl (~80 s each);
# 3. finola_op: reference / torch / triton against the equal-FLOPs matmul,
#    float32 and bfloat16, N=64.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-work_dirs/device}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1
PY=${PYTHON:-python3}
RUN="$PY tools/device/standalone.py"
{
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
  $PY -c 'import torch, triton; print("torch", torch.__version__, "triton", triton.__version__, torch.cuda.get_device_name())'
} 2>&1 | tee "$OUT/env.txt"
$RUN tools/device/cuda_correctness.py 2>&1 | tee "$OUT/correctness.txt"
if [ -d .dev/site ]; then
  source tools/device/use_site.sh
  for impl in ${IMPLS:-auto}; do  # IMPLS="auto torch reference" compares
    methods=""; [ "$impl" = auto ] || methods="--methods masked-finola-b masked-finola-e"
    for spec in "vit-tiny-p4 1024" "vit-base-p16 64"; do
      set -- $spec
      timeout 130 $PY tools/benchmarks/pretrain_throughput.py --device cuda \
        --amp --encoder "$1" --batch "$2" --iters 20 --warmup 5 \
        --finola-impl "$impl" $methods \
        --out "$OUT/pretrain_throughput_cuda_$1_$impl.json" > "$OUT/pt.log" 2>&1
      sed -n '/^encoder/,/^written/p' "$OUT/pt.log"  # the table, not the init logs
      grep -q '^written' "$OUT/pt.log" || tail -20 "$OUT/pt.log"
    done
  done
  rm -f "$OUT/pt.log"
fi
for dtype in float32 bfloat16; do
  timeout 150 $RUN tools/benchmarks/finola_op.py --device cuda --dtype $dtype \
    --impls reference torch triton --repeat 20 --naive-max-size 16 \
    --out "$OUT/finola_op_cuda_$dtype.json" 2>&1
done
