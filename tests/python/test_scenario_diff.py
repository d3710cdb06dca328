#!/usr/bin/python3
""""What changed" compares resolved values (issue #16): /meta/scenario_values and
kochmon_read.scenario_diff.

- A CSV reference and its inline copy are the same thing: base.yaml reads the rouble from
  data/external_series.csv; a variant that writes the same points inline differs in no series.
- A series that differs shows the years that differ and their values: changing the 2016 point
  changes the years it reaches (interpolated between mid-2015 and mid-2017) and no other.
- Every series of the run file's values is the yearly mean of what the model reads: a constant
  is the constant in every year of the run.
- The values are the same at 1 and 2 threads.
- The pessimistic scenario's diff is short (a few series keys, not hundreds of raw keys).
"""

import csv
import os
import tempfile

from kochmon_testlib import SOURCE, check, finish, kochmon

import kochmon_read as kr  # noqa: E402

KG = os.path.join(SOURCE, "scenarios", "kyrgyzstan")
points = {}
with open(os.path.join(KG, "data", "external_series.csv"), encoding="utf-8") as f:
    for row in csv.DictReader(f):
        if row["country"] == "russia" and row["variable"] == "rub_per_usd_avg":
            points[int(row["year"])] = float(row["value"])
check(points.get(2016) == 67.03, f"the rouble's 2016 point in the data: {points.get(2016)}")


def variant(path, pts):
    values = ", ".join(f"{y}: {v}" for y, v in sorted(pts.items()))
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"name: inline_rouble\nbase: {os.path.join(KG, 'base.yaml')}\n"
                f"currencies:\n  per_usd:\n    rub: {{values: {{{values}}}, growth_after_pct: 3.0}}\n")


with tempfile.TemporaryDirectory(prefix="kochmon-scenario-diff-") as tmp:
    runs = {}
    inline, changed = os.path.join(tmp, "inline.yaml"), os.path.join(tmp, "changed.yaml")
    variant(inline, points)
    variant(changed, {**points, 2016: 80.0})
    for name, scenario in [("base", os.path.join(KG, "base.yaml")), ("inline", inline),
                           ("changed", changed),
                           ("pessimistic", os.path.join(KG, "pessimistic.yaml"))]:
        out = os.path.join(tmp, name + ".h5")
        kochmon("run", scenario, "--set", "scale=0.002", "--set", "time.end=2030-12", "-o", out,
                "-q")
        runs[name] = kr.read_meta(out)

    base = runs["base"]
    check("scenario_values" in base, "the run file has /meta/scenario_values")

    def diff(name):
        m = runs[name]
        return kr.scenario_diff(base["scenario"], m["scenario"], ignore=("seed", "name"),
                                base_values=base["scenario_values"],
                                values=m["scenario_values"])

    d = diff("inline")
    check(d == [], f"an inline copy of the CSV points differs in nothing: {d}")
    raw = kr.scenario_diff(base["scenario"], runs["inline"]["scenario"], ignore=("seed", "name"))
    check(len(raw) > 3, f"while the raw keys do differ ({len(raw)} rows)")

    d = diff("changed")
    check([r[0] for r in d] == ["currencies.per_usd.rub"], f"only the rouble differs: {d}")
    if d:
        key, was, now = d[0]
        years = [int(part.split(":")[0]) for part in was.split("; ")]
        check(years == [2015, 2016, 2017], f"the years the 2016 point reaches: {was}")
        check(now.startswith("2015: ") and "2016: " in now and "2017: " in now, now)
        v = kr._series_values(runs["changed"]["scenario_values"])["currencies.per_usd.rub"]
        b = kr._series_values(base["scenario_values"])["currencies.per_usd.rub"]
        check(v[2016] > b[2016] and v[2014] == b[2014] and v[2018] == b[2018],
              f"2016 higher, 2014 and 2018 the same: {v[2014]}/{b[2014]} {v[2016]}/{b[2016]}")

    vals = kr._series_values(base["scenario_values"], base["scenario"])
    check(sorted(vals["abroad.return_grant_som"]) == list(range(2010, 2031)),
          "one value a year of the run, 2010-2030")
    check(set(vals["abroad.return_grant_som"].values()) == {0.0}, "a constant is constant")
    check("regions[batken].wage_som" in vals, "list items are keyed by id, as in the raw diff")

    # The values are the loader's, not the run's: the same text at any thread count.
    for threads in (1, 2):
        out = os.path.join(tmp, f"threads{threads}.h5")
        kochmon("run", os.path.join(KG, "base.yaml"), "--set", "scale=0.002", "--set",
                "time.end=2030-12", "--threads", threads, "-o", out, "-q")
        runs[f"threads{threads}"] = kr.read_meta(out)
    check(runs["threads1"]["scenario_values"] == runs["threads2"]["scenario_values"]
          == base["scenario_values"], "the same /meta/scenario_values at 1 and 2 threads")

    d = diff("pessimistic")
    keys = [r[0] for r in d]
    check("destinations[russia].wage_local" in keys and "currencies.per_usd.rub" in keys,
          f"the pessimistic wage and rouble paths are listed: {keys}")
    check(len(d) < 40, f"{len(d)} rows for the pessimistic scenario (was about 340 raw keys)")
    check(not any(".values." in k or k.endswith(".csv") for k in keys),
          "no raw keys under a series")
finish()
