#!/usr/bin/env bash
# --set with list entries by id (issue #13): `kochmon run --set regions[osh_city]...` gives the
# same /series as the index form; `kochmon sweep --set` applies to every run exactly as the
# spec's set: would, is part of the sweep's identity (a rerun with another --set is refused
# with exit 2) and a bad --set writes nothing; `kochmon calibrate --set` likewise refuses a bad
# one and records a good one in fit_report.md.
# shellcheck source=tests/shell/sweep_common.sh disable=SC1091
source "$(dirname "$0")/sweep_common.sh"
trap cleanup_work EXIT
K=$KOCHMON_BIN
BASE="$KOCHMON_SOURCE_DIR/scenarios/kyrgyzstan/base.yaml"
TINY="$KOCHMON_SOURCE_DIR/scenarios/examples/tiny.yaml"
small=(--set scale=0.005 --set time.end=2011-12)

# run: by id = by index (osh_city is the ninth region), and both differ from no override.
"$K" run "$BASE" -q "${small[@]}" --set 'regions[osh_city].wage_som.factor=0.9' -o "$WORK/id.h5" ||
  fail "run by id"
"$K" run "$BASE" -q "${small[@]}" --set 'regions[8].wage_som.factor=0.9' -o "$WORK/index.h5" ||
  fail "run by index"
"$K" run "$BASE" -q "${small[@]}" -o "$WORK/plain.h5" || fail "run without the override"
h5diff "$WORK/id.h5" "$WORK/index.h5" /series /series >/dev/null ||
  fail "regions[osh_city] and regions[8] give different /series"
if h5diff -q "$WORK/id.h5" "$WORK/plain.h5" /series /series >/dev/null; then
  fail "the override changed nothing (the comparison cannot fail)"
fi

# run: an unknown id is bad input, names the ids, hints the nearest, writes nothing.
set +e
msg=$("$K" run "$BASE" -q --set 'regions[osh_cty].wage_som.factor=0.9' -o "$WORK/bad/x.h5" 2>&1)
rc=$?
set -e
[[ $rc == 2 ]] || fail "unknown id: exit $rc, expected 2: $msg"
[[ $msg == *"--set regions[osh_cty].wage_som.factor=0.9: error: regions[osh_cty]: no element with id 'osh_cty' in regions; ids are: batken, "* ]] ||
  fail "unknown id message: $msg"
[[ $msg == *"hint: did you mean 'osh_city'?"* ]] || fail "unknown id hint: $msg"
[[ ! -e $WORK/bad ]] || fail "a bad --set wrote $WORK/bad"

# sweep: --set is applied like the spec's set: (same table but the run ids, which come from
# the hash of the spec text), by id as by index.
sed "s|^base: .*|base: $TINY|" "$SPEC" >"$WORK/grid.yaml"
sed "s|^base: .*|base: $TINY|; s|^  - time.end=2010-06|  - time.end=2010-06\n  - regions[1].population=2000|" \
  "$SPEC" >"$WORK/grid_set.yaml"
grep -q 'regions\[1\].population=2000' "$WORK/grid_set.yaml" || fail "sed did not add the set line"
"$K" sweep "$WORK/grid.yaml" -o "$WORK/sweep" -q --set 'regions[south].population=2000' ||
  fail "sweep with --set"
"$K" sweep "$WORK/grid_set.yaml" -o "$WORK/sweep_set" -q || fail "sweep with set:"
"$K" sweep "$WORK/grid.yaml" -o "$WORK/sweep_plain" -q || fail "sweep without --set"
drop_run_id() { /usr/bin/python3 -c "import sys, pandas as pd; print(pd.read_csv(sys.argv[1]).drop(columns=['run_id']).to_csv(index=False))" "$1"; }
cmp <(drop_run_id "$WORK/sweep/summary.csv") <(drop_run_id "$WORK/sweep_set/summary.csv") ||
  fail "sweep --set regions[south]... and set: [regions[1]...] give different tables"
if cmp -s <(drop_run_id "$WORK/sweep/summary.csv") <(drop_run_id "$WORK/sweep_plain/summary.csv"); then
  fail "sweep --set changed nothing"
fi
grep -q '^set: \[time.end=2010-06, "regions\[south\].population=2000"\]' "$WORK/sweep/sweep.yaml" ||
  fail "sweep.yaml does not list the --set after set:: $(grep '^set' "$WORK/sweep/sweep.yaml")"

# sweep: the same --set resumes (nothing to run); another --set, or none, is refused (exit 2).
out=$("$K" sweep "$WORK/grid.yaml" -o "$WORK/sweep" --set 'regions[south].population=2000' 2>&1) ||
  fail "rerun with the same --set: $out"
grep -q "12 already complete, 0 run now" <<<"$out" || fail "rerun did not skip: $out"
for other in "--set regions[south].population=3000" ""; do
  set +e
  # shellcheck disable=SC2086
  out=$("$K" sweep "$WORK/grid.yaml" -o "$WORK/sweep" -q $other 2>&1)
  rc=$?
  set -e
  [[ $rc == 2 ]] || fail "rerun with '$other': exit $rc, expected 2: $out"
  grep -q "was started with a different spec" <<<"$out" || fail "rerun with '$other': $out"
  grep -q 'regions\[south\].population=2000"\]'"'"', is now' <<<"$out" || fail "no diff line: $out"
done

# sweep: a bad --set is reported before anything is written.
for bad in 'regions[sout].population=2000' 'regions[' 'decision.rules[push_pull].weight=2'; do
  set +e
  out=$("$K" sweep "$WORK/grid.yaml" -o "$WORK/sweep_bad" -q --set "$bad" 2>&1)
  rc=$?
  set -e
  [[ $rc == 2 ]] || fail "sweep --set '$bad': exit $rc, expected 2: $out"
  [[ $out == *"--set $bad: error: "* ]] || fail "sweep --set '$bad': $out"
  [[ ! -e $WORK/sweep_bad ]] || fail "sweep --set '$bad' created the directory"
done

# calibrate: a bad --set is refused before any run; a good one is in the report.
cat >"$WORK/targets.yaml" <<YAML
name: tiny
targets:
  - id: stock_abroad
    description: members in Russia, mean of the year
    source: test
    years: [2011]
    metric: {series: stock, select: {destination: russia}, reduce: mean}
    low: 1
    high: 1000
YAML
cat >"$WORK/cal.yaml" <<YAML
name: tiny_cal
base: $TINY
targets: $WORK/targets.yaml
period: {from: 2011, to: 2011}
scale: 1.0
seeds: [1]
max_evaluations: 2
jobs: 1
parameters:
  - {key: decision.monthly_rate, min: 0.005, max: 0.2, start: 0.04, log: true}
YAML
set +e
out=$("$K" calibrate "$WORK/cal.yaml" -o "$WORK/cal_bad" -q --set 'destinations[rusia].cost_som=1000' 2>&1)
rc=$?
set -e
[[ $rc == 2 ]] || fail "calibrate bad --set: exit $rc: $out"
[[ $out == *"destinations[rusia]: no element with id 'rusia' in destinations; ids are: russia"* ]] ||
  fail "calibrate bad --set message: $out"
[[ $out == *"did you mean 'russia'?"* ]] || fail "calibrate bad --set hint: $out"
[[ ! -e $WORK/cal_bad ]] || fail "calibrate with a bad --set created its directory"
"$K" calibrate "$WORK/cal.yaml" -o "$WORK/cal" -q --set 'destinations[russia].cost_som=1000' \
  >/dev/null || fail "calibrate with --set"
# shellcheck disable=SC2016 # the backquotes are literal
grep -q 'command-line overrides.*`destinations\[russia\].cost_som=1000`' "$WORK/cal/fit_report.md" ||
  fail "fit_report.md does not record the --set: $(grep -i override "$WORK/cal/fit_report.md")"
grep -q -- '--set destinations\[russia\].cost_som=1000' "$WORK/cal/calibrated.yaml" ||
  fail "calibrated.yaml does not record the --set"
echo "ok"
