#!/usr/bin/env bash
# The 3-step recipe on digits: Fashion-MNIST SimCLR (step 1) → MNIST SimCLR (step 2)
# → MNIST fine-tuning at 1 % and 10 % (step 3), against supervised pretraining on
# Fashion-MNIST's labels then the same fine-tuning, and against training from scratch.
#   bash experiments/three-step.sh        (OUT=runs/three-step by default)
source "$(dirname "$0")/lib.sh"
OUT=${OUT:-runs/three-step}
step recipe "$OUT/recipe" -c experiments/three-step.yaml
# Baseline 1: supervised pretraining on all Fashion-MNIST labels (1 epoch), then fine-tuning on MNIST.
step finetune "$OUT/supervised-fmnist" --data.name fashion-mnist --test.name fashion-mnist --fractions 1 --epochs 1 --min-steps 0 \
  --model.width 0.125 --model.small-stem true --batch-size 128 --optim.lr 0.1 --optim.weight-decay 5e-4
MNIST=(--data.name mnist --test.name mnist --fractions 0.01,0.1 --epochs 8 --min-steps 300 --batch-size 128 --flip 0 --optim.lr 0.1 --optim.weight-decay 5e-4)
step finetune "$OUT/finetune-supervised" "${MNIST[@]}" --init "$OUT/supervised-fmnist" --init-name "supervised (Fashion-MNIST labels)"
# Baseline 2: the same network from scratch.
step finetune "$OUT/finetune-scratch" "${MNIST[@]}" --model.width 0.125 --model.small-stem true --init scratch
selfsup report "$OUT/recipe/step1" "$OUT/recipe/step2" "$OUT/recipe/step3" "$OUT/finetune-supervised" "$OUT/finetune-scratch" --out "$OUT/report.html" --title "3-step recipe: Fashion-MNIST → MNIST"
node dist/examples/results-table.js "$OUT/recipe/step3" "$OUT/finetune-supervised" "$OUT/finetune-scratch"
