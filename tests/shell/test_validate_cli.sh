#!/usr/bin/env bash
# kochmon validate and calibrate end to end on the tiny scenario (validation/README.md, calibration/README.md):
# the table, validation.csv and the /validation group (read by h5py), not-covered years, the
# default-targets error, a spec error with its position, and a 2-parameter calibration.
# shellcheck source=sweep_common.sh
source "$(dirname "$0")/sweep_common.sh"
trap cleanup_work EXIT
# The tiny scenario's targets, 2013 beyond the run (not covered).
TARGET_YEARS="2011, 2012, 2013"
# shellcheck source=tests/shell/calibrate_common.sh disable=SC1091
source "$(dirname "$0")/calibrate_common.sh"
"$KOCHMON_BIN" run "$TINY" -o "$WORK/run.h5" --quiet
out=$("$KOCHMON_BIN" validate "$WORK/run.h5" --targets "$WORK/targets.yaml" -o "$WORK/v")
grep -q "stock_abroad .* 2013 .* not covered" <<<"$out" || fail "2013 not reported as not covered: $out"
grep -q "remittances_fall" <<<"$out" || fail "no ratio row: $out"
[[ -s "$WORK/v/validation.csv" ]] || fail "no validation.csv"
/usr/bin/python3 - "$WORK/run.h5" <<'PY' || fail "h5py cannot read /validation"
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    g = f["validation"]
    t = [x.decode() for x in g["target"][()]]
    assert t[:3] == ["stock_abroad"] * 3, t
    assert list(g["pass"][()])[2] == -1
    assert g.attrs["not_covered"] == 1
    assert f["series/stock"].shape[0] == 36
PY
ins=$("$KOCHMON_BIN" inspect "$WORK/run.h5")
grep -q "stock_abroad" <<<"$ins" || fail "inspect does not show the table: $ins"
# A scenario not named kyrgyzstan* needs --targets.
set +e
msg=$("$KOCHMON_BIN" validate "$WORK/run.h5" 2>&1); rc=$?
set -e
[[ $rc == 2 && $msg == *"pass --targets"* ]] || fail "default targets: rc $rc: $msg"
# A spec error names its position.
printf 'name: c\nbase: %s\ntargets: %s\nseeds: [1]\nparameters:\n  - {key: decision.monthly_rate, min: 0.01, max: 0.1, strat: 0.02}\n' \
  "$TINY" "$WORK/targets.yaml" >"$WORK/bad.yaml"
set +e
msg=$("$KOCHMON_BIN" calibrate "$WORK/bad.yaml" -o "$WORK/c0" 2>&1); rc=$?
set -e
[[ $rc == 2 && $msg == *"bad.yaml:6:"*"parameters[0].strat: unknown key"*"did you mean 'start'?"* ]] || fail "spec error: rc $rc: $msg"
# A tiny calibration: 2 parameters, 2 seeds, 8 evaluations.
cat >"$WORK/cal.yaml" <<YAML
name: tiny_cal
base: $TINY
targets: $WORK/targets.yaml
period: {from: 2011, to: 2012}
scale: 1.0
seeds: [1, 2]
max_evaluations: 8
jobs: 2
parameters:
  - {key: decision.monthly_rate, min: 0.005, max: 0.2, start: 0.04, log: true}
  - {key: "decision.rules[0].params.asc_foreign", name: asc_foreign, min: -3, max: 3, start: 0}
YAML
"$KOCHMON_BIN" calibrate "$WORK/cal.yaml" -o "$WORK/cal" 2>"$WORK/cal.err" >/dev/null ||
  fail "calibrate failed: $(cat "$WORK/cal.err")"
grep -q "eval   1/8" "$WORK/cal.err" || fail "no progress lines"
for f in fit_report.md calibrated.yaml history.csv; do [[ -s "$WORK/cal/$f" ]] || fail "no $f"; done
grep -q "decision.monthly_rate=" "$WORK/cal/calibrated.yaml" || fail "calibrated.yaml: no set line"
n=$(($(wc -l <"$WORK/cal/history.csv") - 1))
((n >= 3 && n <= 10)) || fail "history has $n evaluations"
# Deterministic: the same spec gives the same history.
"$KOCHMON_BIN" calibrate "$WORK/cal.yaml" -o "$WORK/cal2" -q >/dev/null
cmp <(cut -d, -f1,2,4- "$WORK/cal/history.csv") <(cut -d, -f1,2,4- "$WORK/cal2/history.csv") ||
  fail "two calibrations differ"
# A small Bayesian calibration (method abc_smc): the posterior file, its provenance and
# diagnostics; bit-identical with 1 and 2 jobs; a resume from 2 generations gives the same
# sample as 3 in one go (calibration/README.md).
abc_spec() { # jobs generations
  sed -e '/^max_evaluations/d' -e "s/^jobs: .*/jobs: $1/" -e 's/name: tiny_cal/name: tiny_abc/' \
    "$WORK/cal.yaml"
  printf 'method: abc_smc\nabc: {particles: 12, generations: %s, seed: 3}\n' "$2"
}
abc_spec 2 3 >"$WORK/abc.yaml"
abc_spec 1 3 >"$WORK/abc1.yaml"
abc_spec 2 2 >"$WORK/abc2.yaml"
"$KOCHMON_BIN" calibrate "$WORK/abc.yaml" -o "$WORK/abc" 2>"$WORK/abc.err" >"$WORK/abc.out" ||
  fail "abc calibrate failed: $(cat "$WORK/abc.err")"
grep -q "generation 2: tolerance" "$WORK/abc.err" || fail "no generation lines: $(cat "$WORK/abc.err")"
grep -q "90% interval" "$WORK/abc.out" || fail "no posterior summary printed"
for f in posterior.h5 fit_report.md calibrated.yaml; do [[ -s "$WORK/abc/$f" ]] || fail "abc: no $f"; done
grep -q "| generation | tolerance | proposals | acceptance | ESS |" "$WORK/abc/fit_report.md" ||
  fail "abc fit_report.md: no generations table"
"$KOCHMON_BIN" calibrate "$WORK/abc1.yaml" -o "$WORK/abc1" -q >/dev/null
"$KOCHMON_BIN" calibrate "$WORK/abc2.yaml" -o "$WORK/abcr" -q >/dev/null
"$KOCHMON_BIN" calibrate "$WORK/abc.yaml" -o "$WORK/abcr" 2>"$WORK/abcr.err" >/dev/null
grep -q "resuming from .*: 2 generations done" "$WORK/abcr.err" || fail "no resume: $(cat "$WORK/abcr.err")"
/usr/bin/python3 - "$WORK/abc/posterior.h5" "$WORK/abc1/posterior.h5" "$WORK/abcr/posterior.h5" <<'PY' ||
import sys, h5py, numpy as np
a, b, r = (h5py.File(p, "r") for p in sys.argv[1:])
assert a.attrs["filetype"] == b"kochmon-posterior", a.attrs["filetype"]
for key in ("run_id", "kochmon_version", "git_sha"):
    assert len(a.attrs[key]) > 0, key
assert b"tiny_cal" not in a["spec"][()] and b"abc_smc" in a["spec"][()]
assert b"decision" in a["scenario"][()] and b"stock_abroad" in a["targets"][()]
assert a["sample/value"].shape == (12, 2) and abs(a["sample/weight"][()].sum() - 1) < 1e-12
assert a["generations/tolerance"].shape == (3,) and np.isinf(a["generations/tolerance"][0])
lo, hi = a["parameters/min"][()], a["parameters/max"][()]
v = a["sample/value"][()]
assert ((v >= lo) & (v <= hi)).all()
for k in ("sample/value", "sample/weight", "generations/z", "generations/distance"):
    assert np.array_equal(a[k][()], b[k][()]), "jobs 1 vs 2 differ: " + k
    assert np.array_equal(a[k][()], r[k][()]), "resumed differs: " + k
PY
  fail "posterior files differ or are malformed"
# A posterior sweep (design.method posterior): 6 draws of that posterior, each a value of its
# sample; a second sweep with the same seed and a --set gets the same draws and run seeds
# (paired); sweep.yaml names the file in its first line.
cat >"$WORK/psweep.yaml" <<YAML
name: tiny_posterior_draws
base: $TINY
seed: 5
design: {method: posterior, posterior: $WORK/abc/posterior.h5, samples: 6}
metrics:
  - {name: stock_2012, series: stock, select: {destination: [russia]}, from: 2012-01, to: 2012-12, reduce: mean}
YAML
"$KOCHMON_BIN" sweep "$WORK/psweep.yaml" -o "$WORK/ps1" -q || fail "posterior sweep failed"
"$KOCHMON_BIN" sweep "$WORK/psweep.yaml" -o "$WORK/ps2" -q --set abroad.remit_share=0.3 ||
  fail "posterior sweep with --set failed"
head -1 "$WORK/ps1/sweep.yaml" | grep -q "^# posterior draws: .*posterior.h5" || fail "sweep.yaml does not name the posterior"
/usr/bin/python3 - "$WORK/abc/posterior.h5" "$WORK/ps1/summary.csv" "$WORK/ps2/summary.csv" <<'PY' ||
import sys, h5py, numpy as np, pandas as pd
f = h5py.File(sys.argv[1], "r")
v = f["sample/value"][()]
a, b = pd.read_csv(sys.argv[2]), pd.read_csv(sys.argv[3])
cols = ["decision.monthly_rate", "asc_foreign"]
assert len(a) == 6 and (a["status"] == "ok").all(), a
for _, row in a.iterrows():
    assert any(np.allclose(row[cols].values.astype(float), x, rtol=1e-12) for x in v), row
assert (a[cols].values == b[cols].values).all() and (a["seed"].values == b["seed"].values).all()
PY
  fail "posterior sweep draws are not the sample's values, or do not pair"
echo "ok"
