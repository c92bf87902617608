#!/usr/bin/env bash
# Fashion-MNIST: SimCLR pretraining on the 60,000 training images (no labels), then
# the same encoder fine-tuned from SimCLR and from scratch with 1 % and 10 % of the
# labels; kNN and linear-probe accuracy of the frozen SimCLR encoder; one report.
#   bash experiments/fmnist-label-efficiency.sh        (OUT=runs/fmnist by default)
source "$(dirname "$0")/lib.sh"
OUT=${OUT:-runs/fmnist}
step pretrain "$OUT/simclr" -c experiments/fmnist-simclr.yaml
evaluate "$OUT/simclr"
step finetune "$OUT/finetune-simclr" -c experiments/fmnist-finetune.yaml --init "$OUT/simclr" --init-name simclr
step finetune "$OUT/finetune-scratch" -c experiments/fmnist-finetune.yaml --init scratch
selfsup embed "$OUT/simclr" --data.name fashion-mnist --data.split test --data.limit 2000 > /dev/null
selfsup report "$OUT/simclr" "$OUT/finetune-simclr" "$OUT/finetune-scratch" --out "$OUT/report.html" --title "Fashion-MNIST: SimCLR vs scratch"
node dist/examples/results-table.js "$OUT/simclr" "$OUT/finetune-simclr" "$OUT/finetune-scratch"
