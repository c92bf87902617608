#!/usr/bin/env bash
# InfoMin (README): what makes good views. Each study pretrains the same SimCLR encoder
# (ResNet-18 at width 0.125) with the same number of steps once per setting of one knob,
# estimates I_NCE = log K − L_NCE on held-out view pairs (K = 256, 5 view seeds) and scores
# the frozen representation by linear probe and kNN; each study ends with its report
# (OUT/<study>/report.html). Studies: crop lower bound (Fashion-MNIST), colour-jitter
# strength, patch distance and colour-space channel split (emoji), and the InfoMin views
# preset against SimCLR's default views (both data sets); last, the run-to-run spread: one
# setting of the crop and of the jitter study again with two more training seeds.
#   bash experiments/infomin.sh                   (OUT=runs/infomin by default; rerunning resumes)
#   STUDIES="fmnist-crop emoji-patches" bash experiments/infomin.sh   (a subset)
source "$(dirname "$0")/lib.sh"
OUT=${OUT:-runs/infomin}
STUDIES=${STUDIES:-"fmnist-crop emoji-jitter emoji-patches emoji-channels fmnist-preset emoji-preset fmnist-seeds emoji-seeds"}
RUNS=()
for s in $STUDIES; do
  if [ -f "$OUT/$s/config.json" ]; then selfsup infomin --out "$OUT/$s" --resume; else selfsup infomin --out "$OUT/$s" -c "experiments/infomin/$s.yaml"; fi
  RUNS+=("$OUT/$s")
done
node dist/examples/infomin-table.js "${RUNS[@]}" --svg "$OUT/reverse-u.svg"
