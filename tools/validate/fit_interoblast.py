#!/usr/bin/python3
"""Fit the regional constants of internal migration to the inter-oblast data (issue #4).

Each region r has two constants that every built-in rule adds to a move r -> d between regions:
regions[r].internal_exit (the origin's) and regions[d].attractiveness (the destination's).
Departures out of r scale with exp(internal_exit_r) and arrivals into d with
exp(attractiveness_d), as long as moves are a small share of the choice, so iterative
proportional fitting finds them: every iteration runs the scenario for a few seeds, compares
each region's simulated departures and arrivals (summed over the target years) with the data
in the targets file, and adds step × ln(observed / simulated) to each constant. The step is
one half by default: a flow r -> d carries both constants, so full steps on both overshoot
the overall level of internal migration (and oscillate).

    tools/validate/fit_interoblast.py [--scenario scenarios/kyrgyzstan/base.yaml]
        [--scale 0.1] [--end 2016-12] [--seeds 101 202 303 20100101] [--iterations 4]
        [--years 2013 2014 2015] [--step 0.5] [--bin build/release/tools/kochmon] [--work DIR]

It prints each iteration's ratios and, at the end, the YAML lines to put into the scenario's
regions (it does not edit the scenario). Run it from the source tree after the behavioural
parameters are calibrated (`kochmon calibrate`): the constants absorb what the rules do not
see about where households move, not the level of migration abroad.
"""
import argparse
import concurrent.futures
import csv
import math
import os
import subprocess
import sys
import tempfile

import yaml  # python3-yaml (Debian), installed by tools/setup.sh


def region_ids(scenario):
    """Region ids in file order, following `base:` to the file that lists them."""
    with open(scenario) as f:
        doc = yaml.safe_load(f)
    if "regions" in doc and all("id" in r for r in doc["regions"]):
        ids = [r["id"] for r in doc["regions"]]
        if ids and "population" in doc["regions"][0]:
            return ids
    if "base" in doc:
        return region_ids(os.path.join(os.path.dirname(scenario), doc["base"]))
    sys.exit(f"{scenario}: no regions with populations found")


def current_constants(scenario, ids):
    with open(scenario) as f:
        doc = yaml.safe_load(f)
    regions = {r["id"]: r for r in doc.get("regions", [])}
    exit_ = {r: float(regions.get(r, {}).get("internal_exit", 0.0)) for r in ids}
    attr = {r: float(regions.get(r, {}).get("attractiveness", 0.0)) for r in ids}
    return exit_, attr


def run_and_validate(args, ids, exit_, attr, seed, work):
    out = os.path.join(work, f"run-{seed}.h5")
    cmd = [args.bin, "run", args.scenario, "--set", f"scale={args.scale}",
           "--set", f"time.end={args.end}", "--seed", str(seed), "--threads", "1", "-q", "-o", out]
    for i, r in enumerate(ids):
        cmd += ["--set", f"regions[{i}].internal_exit={exit_[r]:.6f}",
                "--set", f"regions[{i}].attractiveness={attr[r]:.6f}"]
    subprocess.run(cmd, check=True)
    vdir = os.path.join(work, f"validation-{seed}")
    subprocess.run([args.bin, "validate", out, "-o", vdir, "-q"], check=True)
    flows = {}
    with open(os.path.join(vdir, "validation.csv")) as f:
        for row in csv.reader(f):
            # per-region rows: region, year, arrivals sim, obs, rel, departures sim, obs, rel
            if len(row) == 8 and row[0] in ids and row[1] in args.years:
                s = flows.setdefault(row[0], [0.0, 0.0, 0.0, 0.0])
                for k, col in enumerate((5, 6, 2, 3)):
                    s[k] += float(row[col])
    return flows


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scenario", default="scenarios/kyrgyzstan/base.yaml")
    p.add_argument("--scale", type=float, default=0.1)
    p.add_argument("--end", default="2016-12")
    p.add_argument("--seeds", nargs="+", type=int, default=[101, 202, 303, 20100101])
    p.add_argument("--iterations", type=int, default=4)
    p.add_argument("--step", type=float, default=0.5)
    p.add_argument("--years", nargs="+", default=["2013", "2014", "2015"])
    p.add_argument("--bin", default="build/release/tools/kochmon")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--work", default=None, help="keep the runs here (default: a temporary folder)")
    args = p.parse_args()

    ids = region_ids(args.scenario)
    exit_, attr = current_constants(args.scenario, ids)
    work = args.work or tempfile.mkdtemp(prefix="fit_interoblast-")
    os.makedirs(work, exist_ok=True)
    for it in range(args.iterations + 1):
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            results = list(pool.map(
                lambda s: run_and_validate(args, ids, exit_, attr, s, work), args.seeds))
        total = {r: [sum(res[r][k] for res in results) for k in range(4)] for r in ids}
        mean_abs = sum(abs(t[0] / t[1] - 1) + abs(t[2] / t[3] - 1) for t in total.values())
        print(f"iteration {it}: mean |sim/obs - 1| over departures and arrivals "
              f"{mean_abs / (2 * len(ids)):.3f}")
        for r in ids:
            dep_s, dep_o, arr_s, arr_o = total[r]
            print(f"  {r:14s} departures sim/obs {dep_s / dep_o:5.2f}  arrivals sim/obs "
                  f"{arr_s / arr_o:5.2f}  internal_exit {exit_[r]:+.3f}  attractiveness {attr[r]:+.3f}")
        if it == args.iterations:
            break
        for r in ids:
            dep_s, dep_o, arr_s, arr_o = total[r]
            exit_[r] += args.step * math.log(dep_o / dep_s)
            attr[r] += args.step * math.log(arr_o / arr_s)
    print("\nregions (add to each region of the scenario):")
    for r in ids:
        print(f"  - id: {r}\n    internal_exit: {exit_[r]:.3f}\n    attractiveness: {attr[r]:.3f}")


if __name__ == "__main__":
    main()
