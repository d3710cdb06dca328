#!/usr/bin/python3
"""Synthetic-data recovery on the Kyrgyz base, small version (issue #16): the test suite's
run of the Kyrgyz calibration (tools/analysis/recovery.py --quick).

The base at its own values of asc_foreign and remit_share (seed 9000, scale 0.01) gives six
point targets; `kochmon calibrate` (ABC-SMC, 30 particles, 5 generations, seeds fixed) fits the
two parameters to them. Asserted:
- the posterior's 90% interval of each parameter covers its true value;
- the data inform both: each 90% interval is at most 70% of its prior range (the prior's own
  90% interval is 90% of it), and the median lies within 15% of the range from the truth;
- the ABC diagnostics are stored: 5 generations with falling tolerances and an effective
  sample size of at least a third of the particles in the last.
The full study (5 repetitions, three parameters, scale 0.02) is in
scenarios/kyrgyzstan/recovery.md. The seeds are fixed, so the verdict is reproducible; the
bounds leave room for a different platform's rounding of the same draws.
"""

import os
import sys
import tempfile

import h5py
import pandas as pd

from kochmon_testlib import check, finish

import recovery  # noqa: E402  (tools/analysis)

with tempfile.TemporaryDirectory(prefix="kochmon-recovery-") as tmp:
    code = recovery.main(["--quick", "-o", tmp])
    check(code == 0, f"recovery.py exit {code}")
    df = pd.read_csv(os.path.join(tmp, "recovery.csv"))
    with h5py.File(os.path.join(tmp, "rep-0", "calibration", "posterior.h5"), "r") as f:
        tol = f["generations/tolerance"][()]
        ess = f["generations/ess"][()]
        particles = len(f["sample/weight"][()])

prior = {name: (lo, hi) for _, name, lo, hi in recovery.PARAMS}
check(sorted(df["parameter"]) == ["asc_foreign", "remit_share"], f"{list(df['parameter'])}")
for r in df.itertuples():
    lo, hi = prior[r.parameter]
    width = hi - lo
    print(f"{r.parameter}: truth {r.truth:.4g}, median {r.median:.4g}, 90% [{r.q05:.4g}, "
          f"{r.q95:.4g}] (prior [{lo}, {hi}])")
    check(r.q05 <= r.truth <= r.q95, f"{r.parameter}: the 90% interval covers the truth")
    check(r.q95 - r.q05 <= 0.7 * width, f"{r.parameter}: the interval is narrower than the prior")
    check(abs(r.median - r.truth) <= 0.15 * width, f"{r.parameter}: the median near the truth")
check(len(tol) == 5 and all(tol[i + 1] < tol[i] for i in range(1, len(tol) - 1)),
      f"5 generations, tolerances falling: {tol}")
check(ess[-1] >= particles / 3, f"last ESS {ess[-1]:.1f} of {particles}")
sys.exit(finish())
