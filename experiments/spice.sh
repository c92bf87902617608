#!/usr/bin/env bash
# SPICE (README: "SPICE: self-supervised pitch"). Trains SPICE on the unlabelled
# `pitched` pool (real piano notes, espeak-ng speech at varied pitch, synthetic
# singing — no f0 is read) with our defaults and with the paper's input and views
# (no timbre envelope, no coordinate channel), the paper's ablations (no
# reconstruction, L1 and L2 instead of Huber, no octave-shift augmentation), the
# paper's noise augmentation (noisy pairs) and
# the supervised baseline of
# the same size on labelled synthetic singing (the stand-in for CREPE), then
# scores them all next to YIN (npm pitchfinder) on the synthetic singing test
# split and the real piano notes, clean and in pink noise at 20, 10 and 0 dB.
#   bash experiments/spice.sh                (OUT=runs/spice-study; rerunning resumes)
#   STEPS=500 bash experiments/spice.sh      (shorter)
source "$(dirname "$0")/lib.sh"
OUT=${OUT:-runs/spice-study}
STEPS=${STEPS:-3000}
SMALL=(--method.width 16 --method.decoder-width 8 --train.steps "$STEPS")

step pretrain "$OUT/spice" --method spice "${SMALL[@]}"
step pretrain "$OUT/spice-paper" --method spice "${SMALL[@]}" --method.envelope 0 --method.coordinates false
step pretrain "$OUT/spice-no-recon" --method spice "${SMALL[@]}" --method.w-recon 0
step pretrain "$OUT/spice-l1" --method spice "${SMALL[@]}" --method.loss l1
step pretrain "$OUT/spice-l2" --method spice "${SMALL[@]}" --method.loss l2
step pretrain "$OUT/spice-no-shift" --method spice "${SMALL[@]}" --method.octave-shift false
step pretrain "$OUT/spice-noise" --method spice "${SMALL[@]}" --method.noise true
step pretrain "$OUT/supervised" --method spice "${SMALL[@]}" --method.supervised true --data singing
RUNS=("$OUT/spice" "$OUT/spice-paper" "$OUT/spice-no-recon" "$OUT/spice-l1" "$OUT/spice-l2" "$OUT/spice-no-shift" "$OUT/spice-noise" "$OUT/supervised")
[ -f "$OUT/eval/results.json" ] || selfsup pitch-eval "${RUNS[@]}" --out "$OUT/eval"
node dist/examples/spice-table.js "$OUT/eval/results.json"
