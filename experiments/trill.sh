#!/usr/bin/env bash
# TRILL and the NOSS-style speech benchmark (README: "TRILL: a non-semantic
# speech representation"). Trains TRILL on the unlabelled `speech-pool`
# (espeak-ng speech in many languages and voices plus the real recordings of
# pocketsphinx-testdata and codec2-examples), then scores it on every speech
# task next to the baselines — log-mel and MFCC statistics, the same network
# with random weights and trained supervised on the speaker task — with the
# layer sweep of the TRILL network and the OLS effects.
#   bash experiments/trill.sh                (OUT=runs/trill-study; rerunning resumes)
#   STEPS=500 bash experiments/trill.sh      (shorter)
source "$(dirname "$0")/lib.sh"
OUT=${OUT:-runs/trill-study}
STEPS=${STEPS:-2500}
CLIPS=${CLIPS:-768}

step pretrain "$OUT/trill" --method trill --data speech-pool --data.clips "$CLIPS" --train.steps "$STEPS"
if [ -f "$OUT/bench/results.json" ]; then RESUME=(--resume); else RESUME=(); fi
selfsup speech-bench "$OUT/trill" --out "$OUT/bench" "${RESUME[@]}"
