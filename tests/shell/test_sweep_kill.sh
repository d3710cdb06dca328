#!/usr/bin/env bash
# A shard killed with SIGKILL in the middle of its runs leaves no corrupt final file; rerunning
# it completes exactly the missing runs, and the summary equals an uninterrupted sweep's.
# shellcheck source=tests/shell/sweep_common.sh disable=SC1091
source "$(dirname "$0")/sweep_common.sh"
pid=
on_exit() {
  if [[ -n $pid ]]; then kill -KILL "$pid" 2>/dev/null || true; fi
  cleanup_work
}
trap on_exit EXIT

# 24 runs of 10 years of the tiny world: long enough to be killed in the middle.
kill_spec="$WORK/kill.yaml"
sed -e "s#^base: .*#base: $KOCHMON_SOURCE_DIR/scenarios/examples/tiny.yaml#" \
    -e 's/time.end=2010-06/time.end=2019-12/' -e 's/count: 2$/count: 4/' "$SPEC" >"$kill_spec"

"$KOCHMON_BIN" sweep "$kill_spec" -o "$WORK/reference" -q || fail "reference sweep"

"$KOCHMON_BIN" sweep "$kill_spec" -o "$WORK/killed" --shard 1/1 --jobs 1 -q &
pid=$!
# Kill once a few runs are complete (or after 5 s at most).
for _ in $(seq 1 100); do
  n=$( (find "$WORK/killed/runs" -name '*.h5' 2>/dev/null || true) | wc -l)
  [[ $n -ge 3 ]] && break
  sleep 0.05
done
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
done_before=$(find "$WORK/killed/runs" -name '*.h5' | wc -l)
[[ $done_before -lt 24 ]] || fail "the shard finished before it was killed; make the runs longer"
echo "killed after $done_before complete runs"

# Every file under its final name is complete; the merge reports the rest as missing.
set +e
"$KOCHMON_BIN" sweep merge "$WORK/killed" -q 2>/dev/null
rc=$?
set -e
[[ $rc -eq 1 ]] || fail "merge of an unfinished sweep: exit $rc, expected 1"
if grep -q ',invalid$' "$WORK/killed/summary.csv"; then fail "a corrupt final file was left"; fi
ok=$(grep -c ',ok$' "$WORK/killed/summary.csv" || true)
[[ $ok -eq $done_before ]] || fail "$ok ok rows, $done_before files"

out=$("$KOCHMON_BIN" sweep "$kill_spec" -o "$WORK/killed" --shard 1/1 2>&1)
grep -q "$done_before already complete, $((24 - done_before)) run now, 0 failed" <<<"$out" ||
  fail "rerun did not complete exactly the missing runs: $out"
"$KOCHMON_BIN" sweep merge "$WORK/killed" -q || fail "merge after the rerun"
cmp "$WORK/reference/summary.csv" "$WORK/killed/summary.csv" || fail "summary differs from the uninterrupted sweep"
if find "$WORK/killed/runs" -name '*.tmp' | grep -q .; then
  echo "note: stale temporary files of the killed run remain (ignored by readers)"
fi
echo "kill and rerun: ok"
