#!/usr/bin/python3
"""The dissertation's scenario claims as posterior probabilities (issue #16).

Usage (Debian's /usr/bin/python3 with numpy, pandas):

    posterior_claims.py [--posterior scenarios/kyrgyzstan/posterior.h5] [--draws 20]
                        [--seeds 1] [--scale 0.02] [--seed 16] [-o runs/posterior-claims]
                        [--markdown FILE] [--threshold 0.8]

For each scenario (base, pessimistic, optimistic, no_eaeu, and the lever scenarios return_grant,
remittance_fee_cut, predeparture_training, south_jobs) it writes a sweep spec with
`design.method: posterior` (`--draws` equally weighted draws from the posterior file, `--seeds`
replicates each) into the output directory and runs it with `kochmon sweep` (resumable: run the
command again after an interruption). The four sweeps share the sweep seed, so run i of every
scenario has the same parameter draw and the same seed: the comparisons are paired, draw by
draw. A claim's probability is the share of the draws x seeds for which it holds; the table
gives it with the paired difference (median and 90% interval) and the standard error of the
mean difference (sd / sqrt(n)). Writes claims.csv and claims.md in the output directory (and
--markdown FILE). Exit codes: 0 every claim at least --threshold (or --report-only), 1 not,
2 bad input.

The claims and their periods are those of tests/python/test_scenarios_kyrgyzstan.py (read from
each scenario file's header): pessimistic over the crisis 2020-2024, optimistic from 2020,
no_eaeu after accession (2016-2030), the rouble crisis in base; the lever signs are theory's
signs of scenarios/kyrgyzstan/LEVERS.md for the levers that have a scenario file (from 2020).
"""

import argparse
import math
import os
import sys

import numpy as np
import pandas as pd

from kochmon_study import kochmon_bin, publish, run, table, write

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.normpath(os.path.join(HERE, "..", ".."))
SCENARIOS = ["base", "pessimistic", "optimistic", "no_eaeu", "return_grant", "remittance_fee_cut",
             "predeparture_training", "south_jobs"]
ABROAD = "[russia, kazakhstan, other]"

# name: (series, from, to, reduce): every metric of every sweep.
METRICS = {
    "returns_2020_2024": ("returns", "2020-01", "2024-12", "sum"),
    "returns_2020_2030": ("returns", "2020-01", "2030-12", "sum"),
    "stock_2020_2024": ("stock", "2020-01", "2024-12", "mean"),
    "stock_2014": ("stock", "2014-01", "2014-12", "mean"),
    "stock_2016": ("stock", "2016-01", "2016-12", "mean"),
    "stock_2019": ("stock", "2019-01", "2019-12", "mean"),
    "stock_2024": ("stock", "2024-01", "2024-12", "mean"),
    "remittances_2014": ("remittances_usd", "2014-01", "2014-12", "sum"),
    "remittances_2015": ("remittances_usd", "2015-01", "2015-12", "sum"),
    "returnee_businesses_2020_2030": ("returnee_businesses", "2020-01", "2030-12", "mean"),
    "expulsions_2016_2030": ("expulsions", "2016-01", "2030-12", "sum"),
    "stock_2020_2030": ("stock", "2020-01", "2030-12", "mean"),
    "remittances_2020_2030": ("remittances_usd", "2020-01", "2030-12", "sum"),
    "departures_2020_2030": ("departures", "2020-01", "2030-12", "sum"),
}
BY_DESTINATION = {"returns", "stock", "expulsions", "departures"}

# (claim, kind, scenario, left, right or threshold): paired "more"/"less" compare the scenario
# with base run by run; "below"/"at_least" compare a ratio of two metrics with a number.
CLAIMS = [
    ("pessimistic: more returns than base over the crisis 2020-2024", "more", "pessimistic",
     "returns_2020_2024", None),
    ("pessimistic: smaller stock abroad than base over the crisis 2020-2024", "less",
     "pessimistic", "stock_2020_2024", None),
    ("pessimistic: mass return (stock abroad 2024/2019 below 0.8)", "below", "pessimistic",
     ("stock_2024", "stock_2019"), 0.8),
    ("optimistic: more returns than base 2020-2030", "more", "optimistic", "returns_2020_2030",
     None),
    ("optimistic: more returnee businesses than base 2020-2030", "more", "optimistic",
     "returnee_businesses_2020_2030", None),
    ("no_eaeu: more expulsions than base 2016-2030", "more", "no_eaeu", "expulsions_2016_2030",
     None),
    ("rouble crisis: remittances in USD fall in 2015 (2015/2014 below 1)", "below", "base",
     ("remittances_2015", "remittances_2014"), 1.0),
    ("rouble crisis: no mass return (stock abroad 2016/2014 at least 0.8)", "at_least", "base",
     ("stock_2016", "stock_2014"), 0.8),
    # Lever signs (LEVERS.md; each scenario file's header): theory's sign for each lever.
    ("return grant: more returns than base 2020-2030", "more", "return_grant",
     "returns_2020_2030", None),
    ("return grant: smaller stock abroad than base 2020-2030", "less", "return_grant",
     "stock_2020_2030", None),
    ("remittance fees cut: more remittances (USD) than base 2020-2030", "more",
     "remittance_fee_cut", "remittances_2020_2030", None),
    ("pre-departure training: more remittances (USD) than base 2020-2030", "more",
     "predeparture_training", "remittances_2020_2030", None),
    ("southern jobs: fewer departures abroad than base 2020-2030", "less", "south_jobs",
     "departures_2020_2030", None),
]


def sweep_spec(scenario, posterior, draws, seeds, scale, seed):
    lines = [f"# Written by tools/analysis/posterior_claims.py: {scenario} over posterior draws.",
             f"name: posterior_{scenario}",
             f"base: {os.path.join(SOURCE, 'scenarios', 'kyrgyzstan', scenario + '.yaml')}",
             f"seed: {seed}",
             "set:",
             f"  - scale={scale}",
             "  - time.end=2030-12",
             f"design: {{method: posterior, posterior: {os.path.abspath(posterior)}, "
             f"samples: {draws}}}",
             f"replicates: {seeds}",
             "metrics:"]
    for name, (series, start, end, reduce) in METRICS.items():
        sel = f", select: {{destination: {ABROAD}}}" if series in BY_DESTINATION else ""
        lines.append(f"  - {{name: {name}, series: {series}{sel}, from: {start}, to: {end}, "
                     f"reduce: {reduce}}}")
    return "\n".join(lines) + "\n"


def run_sweeps(args, kochmon):
    tables = {}
    os.makedirs(args.output, exist_ok=True)
    for scenario in SCENARIOS:
        spec = os.path.join(args.output, scenario + ".yaml")
        write(spec, sweep_spec(scenario, args.posterior, args.draws, args.seeds, args.scale,
                               args.seed))
        out = os.path.join(args.output, scenario)
        run([kochmon, "sweep", spec, "-o", out, "-q", "--jobs", str(args.jobs)])
        t = pd.read_csv(os.path.join(out, "summary.csv"))
        if (t["status"] != "ok").any():
            sys.exit(f"posterior_claims: {out}: runs not ok")
        tables[scenario] = t.sort_values("run").reset_index(drop=True)
    return tables


def evaluate(tables):
    rows = []
    base = tables["base"]
    for claim, kind, scenario, left, right in CLAIMS:
        t = tables[scenario]
        if kind in ("more", "less"):
            # Paired: the same draw and seed (same sweep seed, point and replicate).
            assert (t["seed"].values == base["seed"].values).all(), "runs do not pair"
            d = t[left].values - base[left].values
            holds = d > 0 if kind == "more" else d < 0
            what = f"{left}: {scenario} - base"
        else:
            d = t[left[0]].values / t[left[1]].values
            holds = d < right if kind == "below" else d >= right
            what = f"{left[0]} / {left[1]} ({scenario})"
        n = len(d)
        rows.append({
            "claim": claim, "quantity": what, "n": n,
            "probability": float(np.mean(holds)),
            "median": float(np.median(d)), "q05": float(np.percentile(d, 5)),
            "q95": float(np.percentile(d, 95)), "mean": float(np.mean(d)),
            "se_mean": float(np.std(d, ddof=1) / math.sqrt(n)) if n > 1 else float("nan"),
        })
    return pd.DataFrame(rows)


def markdown(df, args, meta):
    def g(v):
        return f"{v:.4g}"
    out = ["# Scenario claims as posterior probabilities",
           "",
           "Written by `/usr/bin/python3 tools/analysis/posterior_claims.py "
           + " ".join(meta["argv"]) + "` (issue #16).",
           "",
           f"- posterior: `{os.path.relpath(os.path.abspath(args.posterior), SOURCE)}`; "
           f"{args.draws} equally weighted draws x {args.seeds} seed(s) = {meta['n']} paired "
           f"runs per scenario, scale {args.scale}, 2010-2030, sweep seed {args.seed}",
           "- P: the share of the draws x seeds for which the claim holds (paired claims: the "
           "scenario and base with the same draw and seed); its sampling error is about "
           f"sqrt(P(1-P)/n) (at most {0.5 / math.sqrt(meta['n']):.2f} here); the difference "
           "columns give the paired difference (or the ratio) over the runs, with the standard "
           "error of its mean",
           ""]
    out += table(["claim", "P", "quantity", "median", "90% interval", "mean ± se"],
                 [(r.claim, f"{r.probability:.2f}", r.quantity, g(r.median),
                   f"{g(r.q05)} – {g(r.q95)}", f"{g(r.mean)} ± {g(r.se_mean)}")
                  for r in df.itertuples()])
    return "\n".join(out) + "\n"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(prog="posterior_claims.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--posterior",
                    default=os.path.join(SOURCE, "scenarios", "kyrgyzstan", "posterior.h5"))
    ap.add_argument("--draws", type=int, default=20)
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--scale", type=float, default=0.02)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("-o", "--output", default="runs/posterior-claims")
    ap.add_argument("--markdown", help="also write the table here")
    ap.add_argument("--threshold", type=float, default=0.8)
    ap.add_argument("--report-only", action="store_true", help="exit 0 whatever the verdicts")
    args = ap.parse_args(argv)
    if args.draws < 2 or args.seeds < 1 or not (0 < args.scale <= 1):
        ap.error("--draws >= 2, --seeds >= 1, 0 < --scale <= 1")
    if not os.path.isfile(args.posterior):
        print(f"posterior_claims.py: error: no posterior file '{args.posterior}'", file=sys.stderr)
        return 2
    tables = run_sweeps(args, kochmon_bin())
    df = evaluate(tables)
    df.to_csv(os.path.join(args.output, "claims.csv"), index=False)
    text = markdown(df, args, {"argv": argv, "n": len(tables["base"])})
    publish(text, os.path.join(args.output, "claims.md"), args.markdown)
    low = df[df["probability"] < args.threshold]
    for r in low.itertuples():
        print(f"below {args.threshold}: {r.claim}: P = {r.probability:.2f}", file=sys.stderr)
    return 0 if args.report_only or low.empty else 1


if __name__ == "__main__":
    sys.exit(main())
