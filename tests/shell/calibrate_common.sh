# Shared by the calibration tests (sourced after sweep_common.sh): the targets of the tiny
# scenario in $WORK/targets.yaml (stock in Russia in TARGET_YEARS, default 2011 and 2012, and a
# remittance ratio), a tiny ABC calibration spec in $WORK/abc.yaml (2 parameters, 2 seeds,
# 12 particles, 3 generations) and same_sample A B..., which fails unless every posterior file holds A's sample.
# shellcheck shell=bash
TINY="$KOCHMON_SOURCE_DIR/scenarios/examples/tiny.yaml"
cat >"$WORK/targets.yaml" <<YAML
name: tiny
targets:
  - id: stock_abroad
    description: members in Russia, mean of the year
    source: test
    years: [${TARGET_YEARS:-2011, 2012}]
    metric: {series: stock, select: {destination: russia}, reduce: mean}
    low: 1
    high: 1000
  - id: remittances_fall
    description: remittances 2012 / 2011
    source: test
    ratio:
      - {series: remittances_usd, year: 2012, reduce: sum}
      - {series: remittances_usd, year: 2011, reduce: sum}
    value: 1.0
    tolerance: 10
YAML
cat >"$WORK/abc.yaml" <<YAML
name: tiny_abc
base: $TINY
targets: $WORK/targets.yaml
period: {from: 2011, to: 2012}
scale: 1.0
seeds: [1, 2]
jobs: 2
parameters:
  - {key: decision.monthly_rate, min: 0.005, max: 0.2, start: 0.04, log: true}
  - {key: "decision.rules[0].params.asc_foreign", name: asc_foreign, min: -3, max: 3, start: 0}
method: abc_smc
abc: {particles: 12, generations: 3, seed: 3}
YAML
same_sample() {
  /usr/bin/python3 - "$@" <<'PY' || fail "posterior samples differ: $*"
import sys, h5py, numpy as np
a = h5py.File(sys.argv[1], "r")
assert a["generations/tolerance"].shape == (3,)
for p in sys.argv[2:]:
    b = h5py.File(p, "r")
    for k in ("sample/value", "sample/weight", "generations/z", "generations/distance",
              "generations/proposals", "generations/tolerance"):
        assert np.array_equal(a[k][()], b[k][()]), p + ": " + k
PY
}
