#!/usr/bin/python3
"""The dissertation's scenario claims hold with posterior probability >= 0.8 (issue #16).

Runs tools/analysis/posterior_claims.py on the committed posterior
(scenarios/kyrgyzstan/posterior.h5): 20 equally weighted draws x 1 seed for each scenario at
scale 0.02, 2010-2030, paired draw by draw with base (the same draw and run seed). A claim's
probability is the share of the 20 paired runs for which it holds.

Threshold 0.8: with 20 draws the sampling error of P is at most sqrt(0.25/20) = 0.11, so a claim
that holds in 97% of the posterior (the kind the dissertation states) is read below 0.8 with
probability under 0.01 (binomial, 15 or fewer of 20), and one that holds in half of it passes
with probability under 0.01. Everything is keyed by fixed seeds: the verdicts are reproducible.

KNOWN_BELOW lists the claims known not to reach the threshold, each with its reason (the same
mechanisms as tests/python/known_failing.txt). A listed claim must stay below: once it reaches
the threshold the test fails, and the line must go (the model changed; re-run the script).
"""

import os
import sys
import tempfile

import pandas as pd

from kochmon_testlib import SOURCE, check, finish

import posterior_claims  # noqa: E402  (tools/analysis, on sys.path by kochmon_testlib)

THRESHOLD = 0.8
KNOWN_BELOW = {
    "pessimistic: more returns than base over the crisis 2020-2024":
        "fewer leave, so fewer are abroad to return; the 2014-15 data leave the sustained-fall "
        "return term small (known_failing.txt, same claim)",
    "pessimistic: mass return (stock abroad 2024/2019 below 0.8)":
        "the growing population keeps the stock near 2019's level (known_failing.txt)",
    "optimistic: more returns than base 2020-2030":
        "returns per migrant fall as the savings target in home wages rises, and fewer leave "
        "(known_failing.txt, same claim)",
}

posterior = os.path.join(SOURCE, "scenarios", "kyrgyzstan", "posterior.h5")
with tempfile.TemporaryDirectory(prefix="kochmon-posterior-claims-") as tmp:
    code = posterior_claims.main(["--posterior", posterior, "--draws", "20", "--scale", "0.02",
                                  "-o", tmp, "--report-only"])
    check(code == 0, f"posterior_claims.py exit {code}")
    df = pd.read_csv(os.path.join(tmp, "claims.csv"))

check(len(df) == len(posterior_claims.CLAIMS), f"{len(df)} claims evaluated")
check((df["n"] == 20).all(), "every claim over 20 paired runs")
names = set(df["claim"])
for claim in KNOWN_BELOW:
    check(claim in names, f"KNOWN_BELOW names a claim the script does not evaluate: {claim}")
for r in df.itertuples():
    print(f"{r.probability:.2f}  {r.claim}  (median {r.median:.4g} [{r.q05:.4g}, {r.q95:.4g}])")
    if r.claim in KNOWN_BELOW:
        check(r.probability < THRESHOLD,
              f"known below but now P = {r.probability:.2f} >= {THRESHOLD}: {r.claim} "
              "(take it off KNOWN_BELOW and refresh scenarios/kyrgyzstan/posterior_claims.md)")
    else:
        check(r.probability >= THRESHOLD, f"P = {r.probability:.2f} < {THRESHOLD}: {r.claim}")
sys.exit(finish())
