#!/usr/bin/env bash
# Usage: [GPUS=16 GPUS_PER_NODE=8] bash tools/slurm_train.sh PARTITION JOB_NAME CONFIG WORK_DIR [train.py args]
# One task per GPU; MMEngine reads rank and world size from Slurm.
# Preemption: on SIGTERM (or SIGUSR1) every config's PreemptionHook finishes
# the iteration, saves it atomically, points last_checkpoint at it and exits
# 0. Ask Slurm for warning time and requeueing, and pass --resume, e.g.
#   SRUN_ARGS="--signal=USR1@120 --requeue" bash tools/slurm_train.sh \
#       PARTITION JOB CONFIG WORK_DIR --resume
# A requeued job then continues at the next iteration with the same data
# order (tests/test_preemption.py checks the weights match an unstopped run).
set -x

PARTITION=$1
JOB_NAME=$2
CONFIG=$3
WORK_DIR=$4
GPUS=${GPUS:-8}
GPUS_PER_NODE=${GPUS_PER_NODE:-8}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
SRUN_ARGS=${SRUN_ARGS:-""}
PY_ARGS=${@:5}

PYTHONPATH="$(dirname $0)/..":$PYTHONPATH \
srun -p ${PARTITION} \
    --job-name=${JOB_NAME} \
    --gres=gpu:${GPUS_PER_NODE} \
    --ntasks=${GPUS} \
    --ntasks-per-node=${GPUS_PER_NODE} \
    --cpus-per-task=${CPUS_PER_TASK} \
    --kill-on-bad-exit=1 \
    ${SRUN_ARGS} \
    python -u "$(dirname "$0")/train.py" ${CONFIG} --work-dir=${WORK_DIR} --launcher="slurm" ${PY_ARGS}
