#!/usr/bin/env bash
# The method table (README): every method pretrains the same encoder on Fashion-MNIST
# at an equal wall-clock budget (BUDGET seconds of training steps each, 300 by
# default), then kNN and a linear probe on the frozen representation (all 60,000
# training labels, the 10,000 test images) and fine-tuning on 1 % and 10 % of the labels.
# Baselines under the same protocol: raw pixels, the random-init encoder, and the
# encoder trained with all labels for the same time. Ends with a report that plots
# kNN accuracy against training time for every method, and the table.
#   bash experiments/methods.sh            (OUT=runs/methods by default; rerunning resumes)
#   METHODS="simclr byol" bash experiments/methods.sh   (a subset)
#   BUDGET=600 bash experiments/methods.sh               (10 minutes per method)
#   BASELINES=0 ...                                      (the methods only)
source "$(dirname "$0")/lib.sh"
OUT=${OUT:-runs/methods}
METHODS=${METHODS:-"simclr byol mocov3 simsiam barlowtwins vicreg dino"}
BUDGET=${BUDGET:-300}
FT=(-c experiments/fmnist-finetune.yaml)
for m in $METHODS; do
  step pretrain "$OUT/$m" -c experiments/methods.yaml --method "$m" --train.seconds "$BUDGET"
  evaluate "$OUT/$m"
  step finetune "$OUT/$m-ft" "${FT[@]}" --init "$OUT/$m" --init-name "$m"
done
# Baselines: raw pixels, a random-init encoder, supervised training with all labels for the same time.
BASELINE_RUNS=()
if [ "${BASELINES:-1}" != 0 ]; then
  node dist/examples/baselines.js --out "$OUT"
  evaluate "$OUT/raw-pixels"
  evaluate "$OUT/random-init"
  step finetune "$OUT/random-init-ft" "${FT[@]}" --init "$OUT/random-init" --init-name "random init"
  step finetune "$OUT/supervised" "${FT[@]}" --init scratch --fractions 1 --seconds "$BUDGET" --init-name "supervised (all labels)"
  evaluate "$OUT/supervised"
  step finetune "$OUT/supervised-ft" "${FT[@]}" --init "$OUT/supervised" --init-name supervised
  BASELINE_RUNS=(raw-pixels random-init supervised)
fi
RUNS=()
for m in $METHODS; do RUNS+=("$OUT/$m"); done
selfsup report "${RUNS[@]}" --out "$OUT/report.html" --title "Self-supervised methods on Fashion-MNIST at an equal time budget"
node dist/examples/method-table.js "$OUT" $METHODS "${BASELINE_RUNS[@]}"
