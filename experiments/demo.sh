#!/usr/bin/env bash
# The demo (about 8 minutes on 2 cores): SimCLR on Fashion-MNIST's 60,000 training
# images for two epochs, fine-tuning from it and from scratch on 1 % and 10 % of the
# labels, embeddings of test images, and one HTML report.
#   npm run demo        (OUT=runs/demo by default; rerunning resumes)
source "$(dirname "$0")/lib.sh"
OUT=${OUT:-runs/demo}
step pretrain "$OUT/simclr" -c experiments/fmnist-simclr.yaml --train.epochs 2 --monitor.every 50
FT=(-c experiments/fmnist-finetune.yaml)
step finetune "$OUT/finetune-simclr" "${FT[@]}" --init "$OUT/simclr" --init-name simclr
step finetune "$OUT/finetune-scratch" "${FT[@]}" --init scratch
selfsup embed "$OUT/simclr" --data.name fashion-mnist --data.split test --data.limit 1000 > /dev/null
selfsup report "$OUT/simclr" "$OUT/finetune-simclr" "$OUT/finetune-scratch" --out "$OUT/report.html" --title "selfsup demo: SimCLR on Fashion-MNIST"
node dist/examples/results-table.js "$OUT/finetune-simclr" "$OUT/finetune-scratch"
echo "report: $OUT/report.html"
