#!/usr/bin/env bash
# ELECTRA against masked LM at equal pretraining compute (README: "ELECTRA vs
# masked LM"). Every run pretrains on the packaged corpora (Brown, State of the
# Union, Moby-Dick, WordNet glosses) for a budget in FLOPs — each method gets
# the steps that fit in it — then `selfsup text-eval` fine-tunes the encoder (and
# at the tiny size its snapshot half-way, for the compute curve) on labelled tasks built from
# packaged data, next to the same encoder from scratch. Two encoder sizes, and
# the paper's ablations (generator size, ELECTRA-15 %, no weight sharing) at the
# smaller one. Ends with the tables, the compute curve (SVG) and a report.
#   bash experiments/electra.sh                        (OUT=runs/electra; rerunning resumes)
#   FLOPS_TINY=2e12 FLOPS_SMALL=4e12 bash experiments/electra.sh   (shorter)
#   ABLATIONS=0 ...                                    (ELECTRA, masked LM and scratch only)
source "$(dirname "$0")/lib.sh"
OUT=${OUT:-runs/electra}
FLOPS_TINY=${FLOPS_TINY:-4e12}
FLOPS_SMALL=${FLOPS_SMALL:-8e12}
TASKS=${TASKS:-spam,brown-genre,sotu-era}
TINY=(--model.hidden-size 64 --model.embedding-size 64 --model.heads 1 --model.intermediate-size 256 --train.flops "$FLOPS_TINY")
SMALL=(--model.hidden-size 128 --model.embedding-size 128 --model.heads 2 --model.intermediate-size 512 --train.flops "$FLOPS_SMALL")
EVAL=(-c experiments/electra-eval.yaml --tasks "$TASKS")

# text_eval RUN ARGS...: fine-tune RUN's encoders on the tasks (rows already in RUN/text-eval.jsonl are skipped).
text_eval() { selfsup text-eval "$@" "${EVAL[@]}" > /dev/null; }

RUNS=()
for size in tiny small; do
  [ $size = tiny ] && ARGS=("${TINY[@]}") || ARGS=("${SMALL[@]}")
  for m in electra mlm; do
    step pretrain "$OUT/$size-$m" -c experiments/electra.yaml --method $m "${ARGS[@]}"
    RUNS+=("$OUT/$size-$m")
  done
  # The compute curve (every snapshot) at the tiny size; the final encoders at the small one.
  [ $size = tiny ] && W=all-snapshots || W=encoder
  text_eval "$OUT/$size-electra" --weights $W --scratch
  text_eval "$OUT/$size-mlm" --weights $W
done
if [ "${ABLATIONS:-1}" != 0 ]; then
  for a in "generator-half --method.generator-size 0.5" "generator-full --method.generator-size 1" \
    "electra-15 --method.all-tokens false" "unshared --method.share-embeddings false"; do
    set -- $a
    name=$1
    shift
    step pretrain "$OUT/tiny-$name" -c experiments/electra.yaml --method electra "${TINY[@]}" "$@"
    text_eval "$OUT/tiny-$name"
    RUNS+=("$OUT/tiny-$name")
  done
fi
selfsup report "${RUNS[@]}" --out "$OUT/report.html" --title "ELECTRA against masked LM at equal compute"
node dist/examples/electra-table.js "${RUNS[@]}" --svg "$OUT/compute-curve.svg"
