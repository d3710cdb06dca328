#!/usr/bin/python3
"""Policy variants leave the hindcast untouched (issue #15, "levers as series from a date").

Every Kyrgyz variant changes base from a start date (its file's header); before that month
its /series must be bit-identical to base's, at the same seed and scale: a variant whose levers
reach back into 2010-2019 would rewrite the years the calibration fitted. Runs end the month
before the start (the engine never looks ahead, so the rows are those of a full run).
Fails, too, for a scenario file of scenarios/kyrgyzstan/ with no start date here.
Run time: about 10 runs at scale 0.01, 2010 to 2019, about 10 s.
"""

import glob
import os

import h5py

from kochmon_testlib import SOURCE, check, finish, kochmon, workdir

START = {  # the month each variant starts to differ from base (its file's header)
    "no_eaeu": "2015-08",  # base accedes to the EAEU on 2015-08; no_eaeu never does
    "optimistic": "2020-01",
    "pessimistic": "2020-01",
    "predeparture_training": "2020-01",
    "remittance_fee_cut": "2020-01",
    "return_grant": "2020-01",
    "south_jobs": "2020-01",
}
NOT_VARIANTS = {"base", "all_rules", "targets"}  # all_rules: a benchmark workload, not a policy


def month_before(m):
    y, mo = map(int, m.split("-"))
    return f"{y - 1}-12" if mo == 1 else f"{y}-{mo - 1:02d}"


def run(directory, name, end):
    out = os.path.join(directory, f"{name}-{end}.h5")
    if not os.path.exists(out):
        kochmon("run", os.path.join(SOURCE, "scenarios/kyrgyzstan", name + ".yaml"), "-q",
                "--seed", 3, "--set", "scale=0.01", "--set", f"time.end={end}", "-o", out,
                "--threads", 2)
    return out


directory = workdir("hindcast")
files = {os.path.basename(p)[:-5] for p in glob.glob(os.path.join(SOURCE, "scenarios/kyrgyzstan/*.yaml"))}
for name in sorted(files - NOT_VARIANTS - set(START)):
    check(False, f"scenarios/kyrgyzstan/{name}.yaml has no start date in {__file__}'s START")
for name, start in sorted(START.items()):
    if not check(name in files, f"START names {name}, which is not a scenario file"):
        continue
    end = month_before(start)
    with h5py.File(run(directory, "base", end)) as a, h5py.File(run(directory, name, end)) as b:
        differ = [k for k in a["series"] if k not in b["series"]
                  or a["series"][k][()].tobytes() != b["series"][k][()].tobytes()]
        check(not differ, f"{name}: /series before {start} differ from base's: {differ}")
        print(f"{name}: identical to base through {end}" if not differ else f"{name}: differs")
finish()
