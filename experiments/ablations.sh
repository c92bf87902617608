#!/usr/bin/env bash
# SimCLR's findings as ablations on Fashion-MNIST at an equal budget (250 steps of 256
# pairs each): views of crop only, colour only, crop + colour (SimCLR §3, Figure 5);
# no head, linear head, non-linear head, each evaluated on the representation before
# the head and on the head's output (SimCLR §4.2, Figure 8). Evaluation: kNN and a
# linear probe on 10,000 training / 2,000 test images.
#   bash experiments/ablations.sh        (OUT=runs/ablations by default)
source "$(dirname "$0")/lib.sh"
OUT=${OUT:-runs/ablations}
BUDGET=(-c experiments/fmnist-simclr.yaml --train.steps 250 --monitor.every 0)
EVAL=(--data.limit 10000 --test.limit 2000)
step pretrain "$OUT/crop+color" "${BUDGET[@]}"
step pretrain "$OUT/crop-only" "${BUDGET[@]}" --method.views.strength 0 --method.views.grayscale 0
step pretrain "$OUT/color-only" "${BUDGET[@]}" --method.views.crop false
step pretrain "$OUT/linear-head" "${BUDGET[@]}" --method.head.layers 1
step pretrain "$OUT/no-head" "${BUDGET[@]}" --method.head.layers 0
for run in crop+color crop-only color-only linear-head no-head; do evaluate "$OUT/$run" "${EVAL[@]}"; done
evaluate "$OUT/crop+color" "${EVAL[@]}" --layer=2
evaluate "$OUT/linear-head" "${EVAL[@]}" --layer=1
selfsup report "$OUT"/crop+color "$OUT"/crop-only "$OUT"/color-only "$OUT"/linear-head "$OUT"/no-head --out "$OUT/report.html" --title "SimCLR ablations on Fashion-MNIST"
node dist/examples/results-table.js "$OUT"/crop+color "$OUT"/crop-only "$OUT"/color-only "$OUT"/linear-head "$OUT"/no-head
