#!/usr/bin/env bash
# SPICE (README: "SPICE: self-supervised pitch"). Trains SPICE on the unlabelled
# `pitched` pool (real piano notes, espeak-ng speech at varied pitch, synthetic
# singing — no f0 is read): the README's model (our defaults: noisy pairs at
# 20–40 dB, 6,000 steps), the same with clean pairs (6,000 and 3,000 steps) and
# with noisy pairs at 0–30 dB (3,000 steps); on the clean recipe at 3,000 steps
# the paper's input and views (no timbre envelope, no coordinate channel) and
# the paper's ablations (no reconstruction, L1 and L2 instead of Huber, no
# octave-shift augmentation); and the supervised baseline of
# the same size on labelled synthetic singing (the stand-in for CREPE), then
# scores them all next to YIN (npm pitchfinder) on the synthetic singing test
# split and the real piano notes, clean and in pink noise at 20, 10 and 0 dB.
#   bash experiments/spice.sh                (OUT=runs/spice-study; rerunning resumes)
#   STEPS=500 bash experiments/spice.sh      (shorter)
source "$(dirname "$0")/lib.sh"
OUT=${OUT:-runs/spice-study}
STEPS=${STEPS:-3000}        # the ablations
LONG=${LONG:-6000}          # the README's model
SMALL=(--method.width 16 --method.decoder-width 8)
CLEAN=("${SMALL[@]}" --method.noise false --train.steps "$STEPS")

step pretrain "$OUT/spice" --method spice "${SMALL[@]}" --train.steps "$LONG"
step pretrain "$OUT/spice-clean-6k" --method spice "${SMALL[@]}" --method.noise false --train.steps "$LONG"
step pretrain "$OUT/spice-clean" --method spice "${CLEAN[@]}"
step pretrain "$OUT/spice-paper" --method spice "${CLEAN[@]}" --method.envelope 0 --method.coordinates false
step pretrain "$OUT/spice-no-recon" --method spice "${CLEAN[@]}" --method.w-recon 0
step pretrain "$OUT/spice-l1" --method spice "${CLEAN[@]}" --method.loss l1
step pretrain "$OUT/spice-l2" --method spice "${CLEAN[@]}" --method.loss l2
step pretrain "$OUT/spice-no-shift" --method spice "${CLEAN[@]}" --method.octave-shift false
step pretrain "$OUT/spice-noise" --method spice "${SMALL[@]}" --train.steps "$STEPS" --method.noise-min-snr 0 --method.noise-max-snr 30
step pretrain "$OUT/supervised" --method spice "${CLEAN[@]}" --method.supervised true --data singing
RUNS=(spice spice-clean-6k spice-clean spice-paper spice-no-recon spice-l1 spice-l2 spice-no-shift spice-noise supervised)
[ -f "$OUT/eval/results.json" ] || selfsup pitch-eval "${RUNS[@]/#/$OUT/}" --out "$OUT/eval"
node dist/examples/spice-table.js "$OUT/eval/results.json"
