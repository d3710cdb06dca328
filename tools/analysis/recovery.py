#!/usr/bin/python3
"""Synthetic-data recovery on the Kyrgyz base (issue #16): simulate the base at known
parameters, calibrate to those outputs with `kochmon calibrate` (method abc_smc), and count
how often the 90% intervals cover the truth.

Usage (Debian's /usr/bin/python3 with numpy, pandas, h5py):

    recovery.py [-o runs/recovery] [--repetitions 5] [--scale 0.02] [--particles 60]
                [--generations 6] [--max-simulations 900] [--markdown FILE] [--quick]

The truth is the base's values (scenarios/kyrgyzstan/base.yaml) of three behavioural
parameters that the summaries below identify: asc_foreign (how many leave), the attractiveness
of Russia (where they go) and remit_share (what they send); priors uniform on the ranges of
scenarios/calibration/kyrgyzstan_abc.yaml. Repetition r:
  1. runs the base at the truth with seed 9000 + r (the synthetic observation, at --scale);
  2. writes a targets file of point targets (value = the simulated summary, relative error):
     the mean stock in Russia and Kazakhstan in 2013, 2015 and 2017, the share of the migrants
     abroad who are in Russia in 2015, and remittances in USD in 2013 and 2015;
  3. calibrates the three parameters on it by ABC-SMC (global kernel, one replicate per
     proposal with its own seed: the observation's seed is never reused);
  4. records whether each parameter's 90% interval [q05, q95] covers its true value.
Writes DIR/rep-<r>/ (the targets, spec, posterior.h5, fit_report.md), DIR/recovery.csv (one
row a parameter and repetition) and DIR/recovery.md. Resumable (each calibration resumes).
--quick: one repetition, asc_foreign and remit_share only, scale 0.01, 30 particles, 5
generations (the test suite's small version: tests/python/test_recovery.py).
Exit 0; 2 on bad input; 1 when a kochmon command fails.
"""

import argparse
import csv
import os
import sys

from kochmon_study import kochmon_bin, publish, run, table, write

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.normpath(os.path.join(HERE, "..", ".."))
KG = os.path.join(SOURCE, "scenarios", "kyrgyzstan")
FIXED = ["decision.internal_move=household", "decision.monthly_rate=0.15"]
# (key, name, prior min, max, truth): the truth is base.yaml's value (tests check it).
PARAMS = [
    ("decision.rules[0].params.asc_foreign", "asc_foreign", -12, 0),
    ("destinations[russia].attractiveness", "attractiveness_russia", 0, 5),
    ("abroad.remit_share", "remit_share", 0.2, 0.9),
]
STOCK = "{series: stock, select: {destination: [russia, kazakhstan]}, reduce: mean, scale: 1.0e-3}"
SUMMARIES = [
    ("stock_2013", "years: [2013]", f"metric: {STOCK}"),
    ("stock_2015", "years: [2015]", f"metric: {STOCK}"),
    ("stock_2017", "years: [2017]", f"metric: {STOCK}"),
    ("share_in_russia_2015", "years: [2015]",
     "ratio:\n      - {series: stock, select: {destination: russia}, reduce: mean}\n"
     "      - {series: stock, select: {destination: [russia, kazakhstan, other]}, reduce: mean}"),
    ("remittances_2013", "years: [2013]",
     "metric: {series: remittances_usd, reduce: sum, scale: 1.0e-9}"),
    ("remittances_2015", "years: [2015]",
     "metric: {series: remittances_usd, reduce: sum, scale: 1.0e-9}"),
]






def targets_text(values):
    lines = ["# Synthetic targets (tools/analysis/recovery.py): the base's own outputs at the truth.",
             "name: recovery", "targets:"]
    for (tid, when, how), v in zip(SUMMARIES, values):
        lines += [f"  - id: {tid}", f"    description: synthetic {tid}", "    source: simulated",
                  f"    {when}", f"    {how}", f"    value: {v!r}", "    tolerance: 0.05"]
    return "\n".join(lines) + "\n"


def truth():
    """base.yaml's values of PARAMS."""
    import yaml
    with open(os.path.join(KG, "base.yaml"), encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    rules = doc["decision"]["rules"]
    russia = next(d for d in doc["destinations"] if d["id"] == "russia")
    return {"asc_foreign": float(rules[0]["params"]["asc_foreign"]),
            "attractiveness_russia": float(russia["attractiveness"]),
            "remit_share": float(doc["abroad"]["remit_share"])}


def observe(kochmon, rep_dir, seed, scale):
    """Runs the truth and returns the simulated summaries (validate's simulated column)."""
    obs = os.path.join(rep_dir, "observed.h5")
    if not os.path.exists(obs):
        run([kochmon, "run", os.path.join(KG, "base.yaml"), "--seed", str(seed), "-q"]
            + sum((["--set", s] for s in FIXED + [f"scale={scale}", "time.end=2017-12"]), [])
            + ["-o", obs])
    probe = os.path.join(rep_dir, "probe_targets.yaml")
    write(probe, targets_text([1.0] * len(SUMMARIES)))
    vdir = os.path.join(rep_dir, "observed-validation")
    run([kochmon, "validate", obs, "--targets", probe, "-o", vdir, "-q"])
    sim = {}
    with open(os.path.join(vdir, "validation.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row.get("target") and row.get("simulated") not in (None, ""):
                sim[row["target"]] = float(row["simulated"])
    return [sim[t[0]] for t in SUMMARIES]


def spec_text(rep, rep_dir, params, args):
    lines = [f"# Synthetic-data recovery, repetition {rep} (tools/analysis/recovery.py).",
             f"name: recovery_{rep}",
             f"base: {os.path.join(KG, 'base.yaml')}",
             f"targets: {os.path.join(rep_dir, 'targets.yaml')}",
             "set:"] + [f"  - {s}" for s in FIXED] + [
             "period: {from: 2013, to: 2017}",
             "run_end: 2017-12",
             f"scale: {args.scale}",
             f"seeds: [{101 + rep}]",
             "jobs: 2",
             "method: abc_smc",
             f"abc: {{particles: {args.particles}, generations: {args.generations}, "
             f"quantile: 0.5, min_acceptance: 0.05, max_simulations: {args.max_simulations}, "
             f"kernel: global, seed: {16 + rep}}}",
             "parameters:"]
    for key, name, lo, hi in params:
        lines.append(f"  - {{key: \"{key}\", name: {name}, min: {lo}, max: {hi}}}")
    return "\n".join(lines) + "\n"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(prog="recovery.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", default="runs/recovery")
    ap.add_argument("--repetitions", type=int, default=5)
    ap.add_argument("--scale", type=float, default=0.02)
    ap.add_argument("--particles", type=int, default=60)
    ap.add_argument("--generations", type=int, default=6)
    ap.add_argument("--max-simulations", type=int, default=900)
    ap.add_argument("--markdown")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    params = PARAMS
    if args.quick:
        args.repetitions, args.scale, args.particles, args.generations = 1, 0.01, 30, 5
        args.max_simulations = 900
        params = [PARAMS[0], PARAMS[2]]
    if args.repetitions < 1 or not (0 < args.scale <= 1):
        ap.error("--repetitions >= 1 and 0 < --scale <= 1")
    kochmon = kochmon_bin()
    import h5py
    true = truth()
    rows = []
    os.makedirs(args.output, exist_ok=True)
    for rep in range(args.repetitions):
        rep_dir = os.path.abspath(os.path.join(args.output, f"rep-{rep}"))
        os.makedirs(rep_dir, exist_ok=True)
        write(os.path.join(rep_dir, "targets.yaml"),
              targets_text(observe(kochmon, rep_dir, 9000 + rep, args.scale)))
        spec = os.path.join(rep_dir, "spec.yaml")
        write(spec, spec_text(rep, rep_dir, params, args))
        cdir = os.path.join(rep_dir, "calibration")
        run([kochmon, "calibrate", spec, "-o", cdir, "-q"])
        with h5py.File(os.path.join(cdir, "posterior.h5"), "r") as f:
            names = [s.decode() for s in f["parameters/name"][()]]
            q05, med, q95 = (f["summary/" + k][()] for k in ("q05", "median", "q95"))
            sims = int(f.attrs["simulations"])
            ess = float(f["generations/ess"][()][-1])
            tol = float(f["generations/tolerance"][()][-1])
        for j, n in enumerate(names):
            rows.append({"repetition": rep, "parameter": n, "truth": true[n],
                         "q05": float(q05[j]), "median": float(med[j]), "q95": float(q95[j]),
                         "covered": int(q05[j] <= true[n] <= q95[j]),
                         "simulations": sims, "final_ess": ess, "final_tolerance": tol})
    with open(os.path.join(args.output, "recovery.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    covered = sum(r["covered"] for r in rows)
    md = ["# Synthetic-data recovery on the Kyrgyz base",
          "",
          "Written by `/usr/bin/python3 tools/analysis/recovery.py " + " ".join(argv) + "` "
          "(issue #16; the design is in the script's header).",
          "",
          f"- {args.repetitions} repetitions, scale {args.scale}, ABC-SMC with {args.particles} "
          f"particles, at most {args.generations} generations and {args.max_simulations} "
          "simulations each; 90% intervals [q05, q95] of the weighted posterior",
          f"- coverage: **{covered} of {len(rows)}** (parameter × repetition); by parameter: "
          + ", ".join(f"{n} {sum(r['covered'] for r in rows if r['parameter'] == n)}/"
                      f"{sum(1 for r in rows if r['parameter'] == n)}"
                      for n in dict.fromkeys(r["parameter"] for r in rows)),
          ""]
    md += table(["repetition", "parameter", "truth", "median", "90% interval", "covered",
                 "simulations", "final tolerance", "final ESS"],
                [(r["repetition"], r["parameter"], f"{r['truth']:.4g}", f"{r['median']:.4g}",
                  f"{r['q05']:.4g} – {r['q95']:.4g}", "yes" if r["covered"] else "no",
                  r["simulations"], f"{r['final_tolerance']:.3g}", f"{r['final_ess']:.1f}")
                 for r in rows])
    publish("\n".join(md) + "\n", os.path.join(args.output, "recovery.md"), args.markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
