#!/usr/bin/env bash
# Noisy Student and Semi-Supervised Distillation (README: "Noisy Student and
# Semi-Supervised Distillation"). On MNIST and Fashion-MNIST with 1 % and 10 % of
# the labels (the rest of the training split unlabelled): a supervised teacher,
# three Noisy Student iterations (students of the teacher's size), and
# the last student distilled into a narrow ResNet of half the width (SSD stage 2); every stage
# scored clean and on the corrupted test sets. Ablations on Fashion-MNIST 10 %,
# each one iteration from the same teacher: no noise, hard labels, no
# filtering/balancing, a student smaller than the teacher.
#   bash experiments/noisy-student.sh              (OUT=runs/noisy-student; rerunning resumes)
#   STEPS=300 bash experiments/noisy-student.sh    (shorter)
source "$(dirname "$0")/lib.sh"
OUT=${OUT:-runs/noisy-student}
STEPS=${STEPS:-400}
TEACHER_STEPS=${TEACHER_STEPS:-400}
COMMON=(--steps "$STEPS" --teacher-steps "$TEACHER_STEPS" --ratio 2 --corruptions.limit 1000 --corruptions.severities 1,3,5)

for data in mnist fashion-mnist; do
  for fraction in 0.01 0.1; do
    run="$OUT/$data-$fraction"
    step selftrain "$run/ns" --data "$data" --fraction "$fraction" --iterations 3 "${COMMON[@]}"
    step distill "$run/distill" --data "$data" --fraction "$fraction" --teacher "$run/ns" --selftrain 0 \
      --student.arch resnet18 --student.width 0.0625 "${COMMON[@]}"
  done
done

ablate() {
  local name=$1
  shift
  step selftrain "$OUT/ablations/$name" --data fashion-mnist --fraction 0.1 --iterations 1 \
    --teacher "$OUT/fashion-mnist-0.1/ns/teacher.safetensors" "${COMMON[@]}" "$@"
}
ablate no-noise --noise.enabled false
ablate hard-labels --pseudo.temperature 0
ablate no-filter --pseudo.threshold 0 --pseudo.balance false
ablate smaller-student --model.width 0.0625

node dist/examples/noisy-student-table.js "$OUT"
