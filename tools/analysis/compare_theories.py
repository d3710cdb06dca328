#!/usr/bin/python3
"""Which decision theory explains Kyrgyz migration best (issue #16): each model calibrated by
ABC-SMC on the same targets and years, then scored out of sample.

Usage (Debian's /usr/bin/python3 with numpy, pandas, yaml):

    compare_theories.py [-o runs/compare-theories] [--particles 60] [--max-simulations 700]
                        [--draws 20] [--scale 0.04] [--markdown FILE] [--models a,b]

Models (MODEL.md §5): every model keeps push_pull's constants (asc_foreign, asc_internal, the
attractiveness of Russia), which set the base rates that no theory predicts, and fits them.
  push_pull     push_pull's terms (b_away, b_cost fitted; the others at the base's values),
                Harris-Todaro and NELM off (weight 0);
  harris_todaro push_pull's behavioural terms all 0 (constants only), Harris-Todaro's weight
                fitted, NELM off;
  nelm          push_pull constants only, NELM's weight fitted, Harris-Todaro off;
  all_logit     the base: the three in a logit (b_away, b_cost and both weights fitted).
The return hazard (home_gap) and remittances are held at the base's calibrated values in
every model: the comparison is of the decision to leave, not of the return.

Fit: the targets of scenarios/kyrgyzstan/targets.yaml with weight > 0 in 2013-2015 (the
calibration's own period rules: calibration/README.md). Score, out of sample: the same
objective over the weighted rows of 2016-2017 (rows whose period lies inside those years),
for --draws equally weighted posterior draws run to 2017-12 (a posterior sweep, one seed each,
the same seeds for every model). The criterion is the posterior predictive loss (Gelfand &
Ghosh 1998): the mean over the draws of the out-of-sample objective, lower is better, with its
standard error; P(best) is the share of bootstrap resamples of the draws in which the model
has the lowest mean loss (draws resampled jointly: draw k of every model has the same
run seed); the paired difference to the best is the mean over the draws of the model's loss
minus the best model's loss, with its standard error. Writes DIR/<model>/ (the calibration:
posterior.h5, fit_report.md), DIR/<model>-sweep/ (the draws), DIR/comparison.csv and comparison.md (and --markdown FILE).
Everything resumes: run the command again after an interruption.
"""

import argparse
import csv
import os
import sys

import numpy as np
import yaml

from kochmon_study import kochmon_bin, publish, run, table, write

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.normpath(os.path.join(HERE, "..", ".."))
KG = os.path.join(SOURCE, "scenarios", "kyrgyzstan")

PP_TERMS = ["b_wage", "b_unemp", "b_network", "b_cost", "b_dist", "b_poverty", "b_land",
            "b_farm", "b_away", "b_policy"]
CONSTANTS_ONLY = [f"decision.rules[0].params.{k}=0" for k in PP_TERMS]
COMMON = [
    ("decision.rules[0].params.asc_foreign", "asc_foreign", -12, 0, False),
    ("decision.rules[0].params.asc_internal", "asc_internal", -16, -3, False),
    ("destinations[russia].attractiveness", "attractiveness_russia", 0, 5, False),
]
PP = [("decision.rules[0].params.b_away", "b_away", 0, 3, False),
      ("decision.rules[0].params.b_cost", "b_cost", 0, 0.5, False)]
W_HT = ("decision.rules[1].weight", "weight_harris_todaro", 0, 1, False)
W_NELM = ("decision.rules[2].weight", "weight_nelm", 0, 2, False)
MODELS = {
    "push_pull": (COMMON + PP, ["decision.rules[1].weight=0", "decision.rules[2].weight=0"]),
    "harris_todaro": (COMMON + [W_HT], CONSTANTS_ONLY + ["decision.rules[2].weight=0"]),
    "nelm": (COMMON + [W_NELM], CONSTANTS_ONLY + ["decision.rules[1].weight=0"]),
    "all_logit": (COMMON + PP + [W_HT, W_NELM], []),
}
FIXED = ["decision.internal_move=household", "decision.monthly_rate=0.15"]
FIT, SCORE = (2013, 2015), (2016, 2017)




def calibration_spec(model, args):
    params, sets = MODELS[model]
    lines = [f"# compare_theories.py: the {model} model (tools/analysis/compare_theories.py).",
             f"name: theory_{model}",
             f"base: {os.path.join(KG, 'base.yaml')}",
             f"targets: {os.path.join(KG, 'targets.yaml')}",
             "set:"] + [f"  - {s}" for s in FIXED + sets] + [
             f"period: {{from: {FIT[0]}, to: {FIT[1]}}}",
             f"run_end: {SCORE[1]}-12",
             f"scale: {args.scale}",
             "seeds: [101]",
             "jobs: 2",
             "method: abc_smc",
             f"abc: {{particles: {args.particles}, generations: 10, quantile: 0.5, "
             f"min_acceptance: 0.02, max_simulations: {args.max_simulations}, kernel: global, "
             "seed: 16}",
             "parameters:"]
    for key, name, lo, hi, log in params:
        lines.append(f"  - {{key: \"{key}\", name: {name}, min: {lo}, max: {hi}"
                     + (", log: true" if log else "") + "}")
    return "\n".join(lines) + "\n"


def sweep_spec(model, args, posterior):
    _, sets = MODELS[model]
    lines = [f"# compare_theories.py: posterior draws of the {model} model.",
             f"name: theory_{model}_draws",
             f"base: {os.path.join(KG, 'base.yaml')}",
             "seed: 16",
             "set:"] + [f"  - {s}" for s in FIXED + sets] + [
             f"  - scale={args.scale}",
             f"  - time.end={SCORE[1]}-12",
             f"design: {{method: posterior, posterior: {posterior}, samples: {args.draws}}}",
             "replicates: 1",
             "metrics:",
             "  - {name: stock_2017, series: stock, select: {destination: [russia, kazakhstan]}, "
             "from: 2017-01, to: 2017-12, reduce: mean}"]
    return "\n".join(lines) + "\n"




def weights():
    with open(os.path.join(KG, "targets.yaml"), encoding="utf-8") as f:
        t = yaml.safe_load(f)
    return {x["id"]: float(x.get("weight", 1.0)) for x in t["targets"]}


def years_of(period):
    parts = [int(p) for p in str(period).replace("–", "-").split("-") if p.strip().isdigit()]
    return parts


def score(csv_path, w, years):
    """Sum of weight x error^2 over the weighted target rows whose period lies in `years`
    (the table's first block; the inter-oblast rows end in 2015)."""
    total = 0.0
    with open(csv_path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if not row.get("target") or row["target"] not in w or row.get("status") == "not covered":
                continue
            ys = years_of(row["period"])
            if not ys or min(ys) < years[0] or max(ys) > years[1]:
                continue
            try:
                e = float(row["error"])
            except (TypeError, ValueError):
                continue
            total += w[row["target"]] * e * e
    return total


def main(argv=None):
    ap = argparse.ArgumentParser(prog="compare_theories.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", default="runs/compare-theories")
    ap.add_argument("--particles", type=int, default=60)
    ap.add_argument("--max-simulations", type=int, default=700)
    ap.add_argument("--draws", type=int, default=20)
    ap.add_argument("--scale", type=float, default=0.04)
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--markdown")
    args = ap.parse_args(argv)
    kochmon = kochmon_bin()
    models = [m for m in args.models.split(",") if m]
    for m in models:
        if m not in MODELS:
            ap.error(f"unknown model {m}; models: {', '.join(MODELS)}")
    os.makedirs(args.output, exist_ok=True)
    w = {k: v for k, v in weights().items() if v > 0}
    import h5py
    rows, losses = [], {}
    for m in models:
        spec = os.path.join(args.output, m + ".yaml")
        write(spec, calibration_spec(m, args))
        cdir = os.path.join(args.output, m)
        run([kochmon, "calibrate", spec, "-o", cdir, "-q"])
        post = os.path.join(cdir, "posterior.h5")
        with h5py.File(post, "r") as f:
            tol = f["generations/tolerance"][()]
            dist, wt = f["sample/distance"][()], f["sample/weight"][()]
            sims = int(f.attrs["simulations"])
            names = [s.decode() for s in f["parameters/name"][()]]
            med = f["summary/median"][()]
            q05, q95 = f["summary/q05"][()], f["summary/q95"][()]
        order = np.argsort(dist)
        cum = np.cumsum(wt[order])
        din = dist[order][np.searchsorted(cum, [0.05, 0.5, 0.95])]
        sspec = os.path.join(args.output, m + "-sweep.yaml")
        write(sspec, sweep_spec(m, args, os.path.abspath(post)))
        sdir = os.path.join(args.output, m + "-sweep")
        run([kochmon, "sweep", sspec, "-o", sdir, "-q", "--jobs", "2"])
        loss = []
        for f in sorted(os.listdir(os.path.join(sdir, "runs"))):
            if not f.endswith(".h5"):
                continue
            vdir = os.path.join(sdir, "validate", f[:-3])
            csv_path = os.path.join(vdir, "validation.csv")
            if not os.path.exists(csv_path):
                run([kochmon, "validate", os.path.join(sdir, "runs", f), "--targets",
                     os.path.join(KG, "targets.yaml"), "-o", vdir, "-q"])
            loss.append(score(csv_path, w, SCORE))
        losses[m] = np.array(loss)
        rows.append({"model": m, "parameters": len(names), "generations": len(tol),
                     "final_tolerance": float(tol[-1]), "simulations": sims,
                     "in_sample_median": float(din[1]), "in_sample_q05": float(din[0]),
                     "in_sample_q95": float(din[2]),
                     "out_of_sample_mean": float(np.mean(loss)),
                     "out_of_sample_se": float(np.std(loss, ddof=1) / np.sqrt(len(loss))),
                     "posterior": "; ".join(f"{n} {a:.3g} [{b:.3g}, {c:.3g}]"
                                            for n, a, b, c in zip(names, med, q05, q95))})
    rng = np.random.default_rng(16)
    wins = {m: 0 for m in models}
    B = 2000
    n = min(len(v) for v in losses.values())
    for _ in range(B):
        # Paired: draw k of every model ran with the same seed, so resample draws jointly.
        idx = rng.integers(0, n, n)
        means = {m: np.mean(v[:n][idx]) for m, v in losses.items()}
        wins[min(means, key=means.get)] += 1
    # The paired difference to the best mean: the shared seeds cancel much of the run noise, so
    # its standard error is smaller than the two losses' errors combined.
    best = min(losses, key=lambda m: np.mean(losses[m][:n]))
    for r in rows:
        r["p_best"] = wins[r["model"]] / B
        d = losses[r["model"]][:n] - losses[best][:n]
        r["diff_to_best_mean"] = float(np.mean(d))
        r["diff_to_best_se"] = float(np.std(d, ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    with open(os.path.join(args.output, "comparison.csv"), "w", newline="", encoding="utf-8") as f:
        wr = csv.DictWriter(f, fieldnames=list(rows[0]))
        wr.writeheader()
        wr.writerows(rows)
    md = ["# Which theory explains Kyrgyz migration: calibrated and scored on the same data",
          "",
          "Written by `/usr/bin/python3 tools/analysis/compare_theories.py "
          + " ".join(argv if argv is not None else sys.argv[1:]) + "` (issue #16; the models, "
          "the fit and the score are described in the script's header).",
          "",
          f"- fit: ABC-SMC on the weighted targets of {FIT[0]}-{FIT[1]}, {args.particles} "
          f"particles, at most {args.max_simulations} simulations a model, scale {args.scale}, "
          "one seed per proposal",
          f"- score, out of sample: the objective over the weighted rows of {SCORE[0]}-{SCORE[1]} "
          f"for {args.draws} posterior draws (the same run seeds for every model); lower is "
          "better; the paired difference to the best: the mean over draw k of (model's loss − "
          "best model's loss), both run with seed k; P(best): bootstrap share of the lowest mean "
          "loss",
          ""]
    md += table(["model", "k", "generations", "final tolerance", "simulations",
                 "in-sample distance, median [90%]", "out-of-sample loss, mean ± se",
                 "paired difference to the best, mean ± se", "P(best)", "posterior medians [90%]"],
                [(r["model"], r["parameters"], r["generations"], f"{r['final_tolerance']:.3g}",
                  r["simulations"], f"{r['in_sample_median']:.3g} [{r['in_sample_q05']:.3g}, "
                  f"{r['in_sample_q95']:.3g}]",
                  f"{r['out_of_sample_mean']:.3g} ± {r['out_of_sample_se']:.2g}",
                  f"{r['diff_to_best_mean']:.3g} ± {r['diff_to_best_se']:.2g}",
                  f"{r['p_best']:.2f}", r["posterior"]) for r in rows])
    publish("\n".join(md) + "\n", os.path.join(args.output, "comparison.md"), args.markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
