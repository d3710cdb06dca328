#!/usr/bin/python3
"""Golden digests (issue #12, defect 7): the numbers of every repository scenario are pinned.

Every runnable scenario (scenarios/*/*.yaml but sweeps/, calibration/ and targets files;
tools/dev/golden_digests.py finds them by glob) runs at a small scale over its full horizon
with its own seed, at --threads 1 and at --threads 2, two runs at a time. Fails when
  - the 1- and 2-thread runs of a scenario differ (results must be bit-identical for any
    number of threads),
  - a run's /series digest differs from tests/golden/series_sha256.txt (drift: a change moved
    the numbers; if that was meant, tools/dev/update_golden.sh --reason "..." records why),
  - a scenario has no line in the golden file, or a line names no scenario, or a line's seed
    or overrides are not those the run used.
Run time: 24 runs of 0.05-0.6 s, about 7 s on two cores (release build).
"""

import os
import sys
import time

from kochmon_testlib import SOURCE, check, finish

sys.path.insert(0, os.path.join(SOURCE, "tools", "dev"))
import golden_digests as gd  # noqa: E402

t0 = time.monotonic()
golden_rel = os.path.relpath(gd.GOLDEN, SOURCE)
expected = {}
if check(os.path.exists(gd.GOLDEN), f"{golden_rel} is missing; make it: {gd.UPDATE}"):
    expected, _ = gd.read_golden()
found = gd.scenarios()
check(found, "no scenario found under scenarios/")

for s in found:
    check(s in expected, f"{s}: no line in {golden_rel}; a new scenario needs its digest: "
                         f"{gd.UPDATE}")
for s in expected:
    check(s in found, f"{golden_rel}: {s} is not a runnable scenario (removed or renamed?); "
                      f"rewrite the file: {gd.UPDATE}")

results = gd.compute(found, log=print)

for s in found:
    runs = results[s]
    failed = False
    for t in gd.THREADS:
        digest, seed, seconds, error = runs[t]
        if error:
            failed = not check(False, f"{s} --threads {t}: the run failed: {error}\n"
                                      f"  command: {gd.shown(s, t)}")
    if failed:
        continue
    digests = {t: runs[t][0] for t in gd.THREADS}
    d1 = digests[gd.THREADS[0]]
    check(len(set(digests.values())) == 1,
          f"{s}: /series differ between thread counts: "
          + ", ".join(f"--threads {t}: {d}" for t, d in digests.items())
          + f"\n  commands: {gd.shown(s, gd.THREADS[0])}\n            {gd.shown(s, gd.THREADS[-1])}")
    if s not in expected:
        continue
    seed, sets, want = expected[s]
    if not check(sets == gd.overrides(s) and seed == runs[gd.THREADS[0]][1],
                 f"{s}: {golden_rel} records seed {seed} and overrides {sets or '-'}, the run "
                 f"used seed {runs[gd.THREADS[0]][1]} and {gd.overrides(s) or '-'}; update: "
                 f"{gd.UPDATE}"):
        continue
    for t, d in digests.items():
        check(d == want, f"{s} --threads {t}: /series digest differs from {golden_rel} (the "
                         f"numbers drifted)\n  expected {want}\n  found    {d}\n"
                         f"  command:  {gd.shown(s, t)}\n"
                         f"  if the change is meant, record why: {gd.UPDATE}")

print(f"{len(found)} scenarios x threads {', '.join(map(str, gd.THREADS))}: "
      f"{time.monotonic() - t0:.1f} s")
finish()
