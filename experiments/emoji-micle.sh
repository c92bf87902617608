#!/usr/bin/env bash
# Emoji by vendor (multi-instance): MICLe vs SimCLR pretraining with the same budget
# (600 steps of 128 pairs), then a linear probe and kNN on the 10 category labels:
# trained on the training emoji, tested on held-out emoji (never seen in pretraining)
# of the same vendors, and on the held-out emoji drawn by a third vendor (Facebook),
# a shifted test set evaluated without further training.
#   bash experiments/emoji-micle.sh        (OUT=runs/emoji by default)
source "$(dirname "$0")/lib.sh"
OUT=${OUT:-runs/emoji}
EVAL=(--data.name emoji --data.vendors google,twitter --test.name emoji --test.vendors google,twitter -c experiments/emoji-shifted.yaml)
for method in micle simclr; do
  step pretrain "$OUT/$method" -c experiments/emoji-micle.yaml --method "$method"
  evaluate "$OUT/$method" "${EVAL[@]}"
  selfsup embed "$OUT/$method" --data.name emoji --data.split test > /dev/null
done
selfsup report "$OUT/micle" "$OUT/simclr" --out "$OUT/report.html" --title "Emoji: MICLe vs SimCLR"
node dist/examples/results-table.js "$OUT/micle" "$OUT/simclr"
