# Shared by the experiment scripts: `selfsup` from this checkout, and steps that
# are skipped when already done (rerunning a script resumes where it stopped).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/src/cli/main.js ] || npx tsc -p tsconfig.json
selfsup() { node dist/src/cli/main.js "$@"; }

# step COMMAND OUT ARGS...: pretrain/finetune/recipe into OUT, or continue OUT with --resume.
step() {
  local cmd=$1 out=$2
  shift 2
  if [ -f "$out/config.json" ]; then selfsup "$cmd" --out "$out" --resume; else selfsup "$cmd" --out "$out" "$@"; fi
}

# evaluate RUN ARGS...: kNN + linear probe of RUN's frozen encoder, once (results in RUN/eval.json).
evaluate() {
  local run=$1
  shift
  local marker="$run/eval.json"
  for a in "$@"; do case $a in --layer=*) marker="$run/eval-layer${a#--layer=}.json" ;; esac; done
  [ -f "$marker" ] || selfsup eval "$run" "$@" > /dev/null
}
