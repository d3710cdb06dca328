#!/usr/bin/env bash
# The drivers of an ABC calibration (calibration/README.md, "Drivers") give the sample of one
# process at 2 jobs, bit for bit: two shards at once; one shard alone, which takes over the
# silent shards' share after --shard-wait; the ranks of mpirun; and a run killed inside a
# generation and started again, which reads the distances it had logged instead of running
# them again.
# shellcheck source=tests/shell/sweep_common.sh disable=SC1091
source "$(dirname "$0")/sweep_common.sh"
# shellcheck source=tests/shell/calibrate_common.sh disable=SC1091
source "$(dirname "$0")/calibrate_common.sh"
trap cleanup_work EXIT
K=$KOCHMON_BIN

"$K" calibrate "$WORK/abc.yaml" -o "$WORK/local" -q >/dev/null || fail "local calibration"
n_local=$(cat "$WORK"/local/evaluations/*/gen-*/shard-1.txt | wc -l)
[[ $n_local -ge 36 ]] || fail "the evaluation log holds $n_local lines, expected >= 36"

# Two shards at once: each logs its share, shard 1 alone writes the results.
"$K" calibrate "$WORK/abc.yaml" -o "$WORK/shards" --shard 2/2 -q >/dev/null &
p2=$!
"$K" calibrate "$WORK/abc.yaml" -o "$WORK/shards" --shard 1/2 -q >/dev/null || fail "shard 1/2"
wait "$p2" || fail "shard 2/2"
for s in 1 2; do
  [[ -s $(echo "$WORK"/shards/evaluations/*/gen-2/shard-$s.txt) ]] || fail "shard $s logged nothing"
done
same_sample "$WORK/local/posterior.h5" "$WORK/shards/posterior.h5"

# Shard 1 of 3 with nobody else: after 1 s without news it does the others' share.
"$K" calibrate "$WORK/abc.yaml" -o "$WORK/alone" --shard 1/3 --shard-wait 1 2>"$WORK/alone.err" >/dev/null ||
  fail "shard 1/3 alone: $(cat "$WORK/alone.err")"
grep -q "doing their share" "$WORK/alone.err" || fail "no takeover message: $(cat "$WORK/alone.err")"
same_sample "$WORK/local/posterior.h5" "$WORK/alone/posterior.h5"
# A shard other than 1 writes the log only.
"$K" calibrate "$WORK/abc.yaml" -o "$WORK/two" --shard 2/2 --shard-wait 1 -q >/dev/null || fail "shard 2/2 alone"
[[ ! -e $WORK/two/posterior.h5 ]] || fail "shard 2 wrote posterior.h5"

# Killed in generation 1 after 6 logged distances; the rerun reads them back.
"$K" calibrate "$WORK/abc.yaml" -o "$WORK/killed" -q >/dev/null &
pid=$!
n=0
for _ in $(seq 1 1200); do
  n=$({ cat "$WORK"/killed/evaluations/*/gen-1/shard-1.txt 2>/dev/null || true; } | wc -l)
  [[ $n -ge 6 ]] && break
  sleep 0.05
done
kill -KILL "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
[[ $n -ge 6 ]] || fail "generation 1 never logged 6 distances"
"$K" calibrate "$WORK/abc.yaml" -o "$WORK/killed" 2>"$WORK/killed.err" >/dev/null || fail "rerun after kill"
grep -Eq "evaluation log holds [0-9]+ distances of generation 1" "$WORK/killed.err" ||
  fail "the rerun did not read the log: $(cat "$WORK/killed.err")"
same_sample "$WORK/local/posterior.h5" "$WORK/killed/posterior.h5"

# Another spec in the same directory is refused (exit 2), its log untouched.
sed 's/seed: 3}/seed: 4}/' "$WORK/abc.yaml" >"$WORK/other.yaml"
set +e
"$K" calibrate "$WORK/other.yaml" -o "$WORK/local" -q >/dev/null 2>"$WORK/other.err"
rc=$?
set -e
[[ $rc == 2 ]] && grep -q "another calibration" "$WORK/other.err" || fail "other spec: rc $rc: $(cat "$WORK/other.err")"

# The ranks of mpirun are shards of the same log.
if ! command -v mpirun >/dev/null; then
  echo "kochmon-skip: mpirun not found: local, shards and resume passed, MPI not tested"
  exit 77
fi
if ! timeout 300 mpirun --allow-run-as-root --oversubscribe -np 2 "$K" calibrate "$WORK/abc.yaml" \
  -o "$WORK/mpi" -q >/dev/null 2>"$WORK/mpi.err"; then
  fail "mpirun -np 2 calibrate: $(tail -5 "$WORK/mpi.err")"
fi
ls "$WORK"/mpi/evaluations/*/gen-2/shard-2.txt >/dev/null || fail "rank 1 logged nothing"
same_sample "$WORK/local/posterior.h5" "$WORK/mpi/posterior.h5"
echo "calibration drivers: local, 2 shards, 1 shard alone, killed and resumed, mpirun: one sample"
