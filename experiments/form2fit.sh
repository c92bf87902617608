#!/usr/bin/env bash
# Form2Fit in the kit simulator (README: "Kit assembly: Form2Fit"). Self-supervised
# disassembly of the five training kits (random board poses), the suction, place
# and matching networks trained on the time-reversed episodes, then kit assembly
# scored on the three benchmark splits — training kits at new poses, combinations
# and mixtures of training kits, kits of unseen shapes — against random placement
# and template matching in the same run; strips and the descriptor map in $OUT/eval-capture2 (and
# $OUT/eval-capture0, the strict success test).
#   bash experiments/form2fit.sh                 (OUT=runs/form2fit; rerunning resumes)
#   STEPS=300 SCENES=10 bash experiments/form2fit.sh   (shorter)
source "$(dirname "$0")/lib.sh"
OUT=${OUT:-runs/form2fit}
EPISODES=${EPISODES:-400}
STEPS=${STEPS:-1000}
SCENES=${SCENES:-30}

[ -f "$OUT/episodes/episodes.jsonl" ] || selfsup form2fit collect --out "$OUT/episodes" --episodes "$EPISODES"
step pretrain "$OUT/model" --method form2fit --data kits --data.path "$OUT/episodes/episodes.jsonl" --data.noise 0.001 \
  --train.steps "$STEPS" --train.matches 64 --method.match-width 16 --method.radius 2 --method.non-matches 16
# capture 2 px (tapered cavities, the default), then the strict test (no capture)
for capture in 2 0; do
  EVAL=(form2fit eval "$OUT/model" --out "$OUT/eval-capture$capture" --scenes "$SCENES" --capture "$capture")
  if [ -f "$OUT/eval-capture$capture/config.json" ]; then selfsup "${EVAL[@]}" --resume; else selfsup "${EVAL[@]}"; fi
done
