#!/usr/bin/env bash
# After the tasks of score.sh (sbatch --dependency=afterok:<its job ID>):
# merges the shards' score caches, checking every segment, and replays the
# benchmark with random and the router from the merged cache only
# (--cache-only: a missing output fails the job, naming the shards to run
# again). The report is $EDGEROUTE_DIR/results/<bench>-<router>.json.
# Environment: as for score.sh.
#SBATCH --job-name=edgeroute-report
#SBATCH --cpus-per-task=2
#SBATCH --mem=2G
#SBATCH --time=00:30:00
#SBATCH --output=edgeroute-report-%j.log
set -euo pipefail

: "${EDGEROUTE_DIR:?set EDGEROUTE_DIR to the shared directory with data/ and models/}"
evalrun="${EVALRUN:-evalrun}"
bench="${BENCH:-gsm8k}" router="${ROUTER:-encoder}"
results="$EDGEROUTE_DIR/results/$bench-$router.json"
"$evalrun" cache merge "$EDGEROUTE_DIR"/cache/shards/* --into "$EDGEROUTE_DIR/cache/scores"
mkdir -p "$EDGEROUTE_DIR/results"
"$evalrun" --bench "$bench" --data "$EDGEROUTE_DIR/data" --router "random,$router" \
  --model "$EDGEROUTE_DIR/models/${MODEL:-use-lite}" --cache "$EDGEROUTE_DIR/cache/scores" --cache-only \
  --format json >"$results.tmp"
mv "$results.tmp" "$results"
