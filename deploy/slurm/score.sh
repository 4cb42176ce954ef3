#!/usr/bin/env bash
# Scores a benchmark with an ONNX router in shards, one Slurm array task per
# shard: evalrun score --shard auto takes the shard from
# $SLURM_ARRAY_TASK_ID, $SLURM_ARRAY_TASK_MIN and $SLURM_ARRAY_TASK_COUNT,
# so the array's size is the number of shards (--array on the command line
# overrides the one below). Each task writes its own score cache,
# $EDGEROUTE_DIR/cache/shards/<task ID>; report.sh merges them and replays.
#
#   jid=$(sbatch --parsable --export=ALL,EDGEROUTE_DIR=/shared/edgeroute deploy/slurm/score.sh)
#   sbatch --dependency=afterok:$jid --export=ALL,EDGEROUTE_DIR=/shared/edgeroute deploy/slurm/report.sh
#
# To run chosen shards again (a replay with --cache-only names them), give
# their numbers as task IDs and the number of shards:
#
#   sbatch --array=1,3 --export=ALL,EDGEROUTE_DIR=...,EDGEROUTE_SHARDS=4 deploy/slurm/score.sh
#
# Environment: EDGEROUTE_DIR (required) holds data/ and models/ and gets
# cache/; BENCH (gsm8k), ROUTER (encoder) and MODEL (use-lite, a directory
# of $EDGEROUTE_DIR/models) choose what is scored; EVALRUN is the evalrun
# binary (evalrun on $PATH), built with cgo, with ONNX Runtime installed
# (bash scripts/install_onnxruntime.sh; export ONNXRUNTIME_LIB).
#SBATCH --job-name=edgeroute-score
#SBATCH --array=0-3
#SBATCH --cpus-per-task=2
#SBATCH --mem=2G
#SBATCH --time=02:00:00
#SBATCH --output=edgeroute-score-%A_%a.log
set -euo pipefail

: "${EDGEROUTE_DIR:?set EDGEROUTE_DIR to the shared directory with data/ and models/}"
: "${SLURM_ARRAY_TASK_ID:?submit this script as an array job: sbatch --array=0-3 deploy/slurm/score.sh}"
"${EVALRUN:-evalrun}" score --bench "${BENCH:-gsm8k}" --data "$EDGEROUTE_DIR/data" \
  --router "${ROUTER:-encoder}" --model "$EDGEROUTE_DIR/models/${MODEL:-use-lite}" \
  --shard auto --cache "$EDGEROUTE_DIR/cache/shards/$SLURM_ARRAY_TASK_ID"
