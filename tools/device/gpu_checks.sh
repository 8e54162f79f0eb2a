#!/usr/bin/env bash
# The Fast-FINOLA checks for a lent GPU, as one command (about 3-5 minutes
# on an H100/H200). Needs only the machine image's python3 with torch and
# Triton: finola_mm's maths is loaded without the OpenMMLab stack
# (tools/device/standalone.py). Results land in $OUT (or work_dirs/device).
#
#   run(command="bash tools/device/gpu_checks.sh", timeout_s=480)
#
# 1. correctness: impl='triton' and 'torch' on CUDA against the float64
#    position-by-position reference (tools/device/finola_reference.py);
# 2. finola_op: reference / torch / triton against the equal-FLOPs matmul,
#    float32 and bfloat16, N=64.
# pretrain_throughput needs mmengine, mmcv (with ops, for mmdet) and
# mmpretrain built against the machine's torch; see docs/fast_finola.md.
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
for dtype in float32 bfloat16; do
  timeout 200 $RUN tools/benchmarks/finola_op.py --device cuda --dtype $dtype \
    --impls reference torch triton --repeat 20 --naive-max-size 16 \
    --out "$OUT/finola_op_cuda_$dtype.json" 2>&1 | tee "$OUT/finola_op_cuda_$dtype.txt"
done
