#!/usr/bin/python3
"""The lever table of the Kyrgyz scenarios: scenarios/kyrgyzstan/LEVERS.md (issue #15).

    /usr/bin/python3 tools/analysis/levers.py [--bin build/release/tools/kochmon]
        [--scale 0.1] [--seeds 1 2 3 4] [--jobs 2] [--out scenarios/kyrgyzstan/LEVERS.md]

Every policy lever of MODEL.md §7 (and the levers scenarios/REFERENCE.md names) gets one row:
the key, what it reaches (departure, destination choice, legality, income, remittances,
returns), the sign economic theory expects on departures abroad, returns from abroad, returns
per migrant abroad (the rate theory signs; the count moves with the stock too), the stock
abroad and remittances, and the measured effect of the lever against its reference
scenario (base, or no_eaeu for the pre-EAEU patent, which base no longer has after 2015):
the mean over paired seeds of (variant − reference) / reference, in percent, with its
standard error (sd of the paired differences / √n). Common random numbers: the same seed gives
both arms the same population and the same keyed draws, so the paired differences hold little
sampling noise. Each lever starts on 2020-01 (its series before that are the reference's;
tests/python/test_variants_hindcast.py) and is measured over 2020-2030, except EAEU accession
(2015-08, measured 2016-2030).

A verdict per sign: "yes" when the mean has the expected sign and is more than 2 standard
errors from 0, "n.s." when it is within 2 standard errors, "NO" when it has the other sign; "?"
expectations (theory is ambiguous) get no verdict.

The file records a fingerprint of what the numbers depend on (this script, the scenario files
and their data, and the golden /series digests of the Kyrgyz scenarios, which change whenever
the model's behaviour does); tests/python/test_levers_doc.py fails when it is stale. Takes
about 2-3 minutes on two cores at scale 0.1 with four seeds.
"""

import argparse
import concurrent.futures
import glob
import hashlib
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import kochmon_read as kr  # noqa: E402

KG = os.path.join(SOURCE, "scenarios", "kyrgyzstan")
DATA = os.path.join(KG, "data")
GOLDEN = os.path.join(SOURCE, "tests", "golden", "series_sha256.txt")
FOREIGN = ["russia", "kazakhstan", "other"]
SOUTH = ["batken", "jalal_abad", "osh_oblast"]
REGIONS = ["batken", "jalal_abad", "issyk_kul", "naryn", "osh_oblast", "talas", "chui", "bishkek",
           "osh_city"]
POLICY = (2020, 2030)
ACCESSION = (2016, 2030)
METRICS = ("departures abroad", "returns", "returns per migrant abroad", "stock abroad", "remittances")


def csv_series(csv_file, ident, variable, growth, factor, start="2020-01"):
    """A base series read again from its CSV with a factor, from `start` (before it: base's)."""
    return (f"{{csv: {os.path.join(DATA, csv_file)}, id: {ident}, variable: {variable}, "
            f"growth_after_pct: {growth}, factor: {factor}, from: {start}}}")


# One row per lever: (name, key, reaches, expected signs on METRICS, reference, variant body or
# a scenario file of the repository, period, note). The variant bodies change only what the
# lever is, from 2020-01; "file:" names a repository variant.
LEVERS = [
    ("EAEU accession (2015-08)", "destinations[].regimes",
     "departure, destination choice, legality, income, returns", "+??++", "no_eaeu", "file:base.yaml",
     ACCESSION, "base against no_eaeu (which never joins): the regime in force sets the cost of "
     "going, the legal share and the patent"),
    ("patent fee ×2 (pre-EAEU)", "regimes.pre_eaeu.permit_cost_som",
     "departure, legality, income, remittances", "−??−?", "no_eaeu",
     "regimes:\n  pre_eaeu:\n    permit_cost_som: {from: 2020-01, values: {2020-01: 10000}}\n",
     POLICY, "on no_eaeu, where Russia keeps the patent (Kazakhstan has its own, unchanged)"),
    ("entry costs ×2 (pre-EAEU: documents, exam)", "regimes.pre_eaeu.entry_cost_som",
     "departure (cost of going)", "−??−−", "no_eaeu",
     "regimes:\n  pre_eaeu:\n    entry_cost_som: {from: 2020-01, values: {2020-01: 24000}}\n",
     POLICY, "on no_eaeu"),
    ("registration rules: legal share 0.9 → 0.7 (EAEU)", "regimes.eaeu.legal_share",
     "departure, legality, income", "−??−−", "base",
     "regimes:\n  eaeu:\n    legal_share: {from: 2020-01, values: {2020-01: 0.7}}\n", POLICY, ""),
    ("income tax 13% → 20% (EAEU)", "regimes.eaeu.income_tax",
     "departure, income, remittances, returns", "−?+−−", "base",
     "regimes:\n  eaeu:\n    income_tax: {from: 2020-01, values: {2020-01: 0.2}}\n", POLICY, ""),
    ("detection ×2 (Russia)", "destinations[].detection_monthly",
     "departure, legality (expulsions, bans), returns", "−??−−", "base",
     "destinations:\n  - id: russia\n    detection_monthly: {from: 2020-01, values: {2020-01: 0.06}}\n",
     POLICY, "expulsions are not returns: they are counted apart"),
    ("longer bans (Russia: 10 years for half)", "destinations[].ban_shares",
     "departure (who may go), destination choice", "−??−−", "base",
     "destinations:\n  - id: russia\n    ban_shares: [0.2, 0.3, 0.5]\n", POLICY,
     "a number, not a series: from the start of the run (so 2010-2019 differ as well)"),
    ("weaker fingerprinting: ban enforcement 0.95 → 0.5", "destinations[].ban_enforcement",
     "departure (banned migrants evade)", "+??++", "base",
     "destinations:\n  - id: russia\n    ban_enforcement: {from: 2020-01, values: {2020-01: 0.5}}\n",
     POLICY, ""),
    ("amnesty (Russia, 2020-06, all bans)", "events[] (type: amnesty)",
     "departure (who may go)", "+??++", "base",
     "events:\n  - {date: 2015-10, type: amnesty, destination: russia, share: 0.4}\n"
     "  - {date: 2018-11, type: amnesty, destination: russia, share: 0.6}\n"
     "  - {date: 2020-06, type: amnesty, destination: russia, share: 1.0}\n", POLICY, ""),
    ("rouble 50% weaker", "currencies.per_usd.rub",
     "departure, income, remittances, returns", "−?+−−", "base",
     "currencies:\n  per_usd:\n    rub: "
     + csv_series("external_series.csv", "russia", "rub_per_usd_avg", 3.0, 1.5) + "\n", POLICY,
     "an exchange-rate path (the 2014-15 crisis is in base's data)"),
    ("Russian wage 20% lower", "destinations[].wage_local",
     "departure, destination choice, income, remittances, returns", "−?+−−", "base",
     "destinations:\n  - id: russia\n    wage_local: "
     + csv_series("external_series.csv", "russia", "wage_avg_nominal_month", 5.0, 0.8) + "\n",
     POLICY, "a Russian recession of X%"),
    ("remittance fees cut", "destinations[].remittance_fee",
     "remittances; departure (NELM); returns (savings target)", "+???+", "base", "file:remittance_fee_cut.yaml", POLICY,
     "Russia 1.5% → 0.5%, Kazakhstan 2% → 1%"),
    ("information campaign: travel cost −30%", "destinations[].cost_som",
     "departure (cost of going)", "+??++", "base",
     "destinations:\n  - id: russia\n    cost_som: {from: 2020-01, values: {2020-01: 21000}}\n"
     "  - id: kazakhstan\n    cost_som: {from: 2020-01, values: {2020-01: 7000}}\n", POLICY,
     "lower cost (MODEL.md §7: information campaigns lower cost and illegality)"),
    ("domestic jobs: southern unemployment halved", "regions[].unemployment",
     "departure (home wage × employment), returns", "−?+−−", "base", "file:south_jobs.yaml", POLICY,
     "Osh oblast, Jalal-Abad, Batken over 2020-2023"),
    ("urban job growth 2% → 6% (Bishkek)", "regions[].jobs_growth_pct",
     "departure (urban unemployment), internal moves", "−????", "base",
     "regions:\n  - id: bishkek\n    jobs_growth_pct: {from: 2020-01, values: {2020-01: 6.0}}\n",
     POLICY, "more internal moves to Bishkek, fewer abroad"),
    ("Kyrgyz wages +10%", "regions[].wage_som",
     "departure, returns", "−?+−?", "base",
     "regions:\n" + "".join(
         f"  - id: {r}\n    wage_som: "
         + csv_series("region_indicators.csv", r, "wage_avg_som_month", 6.0, 1.1) + "\n"
         for r in REGIONS), POLICY, "home income"),
    ("return grant 15,000 som", "abroad.return_grant_som",
     "returns", "?++−−", "base", "file:return_grant.yaml", POLICY,
     "a grant valued against the income gap (home_gap)"),
    ("pre-departure training (30% of leavers)", "abroad.training_share",
     "job finding abroad, income, remittances", "?−−++", "base", "file:predeparture_training.yaml",
     POLICY, ""),
    ("returnee businesses: better climate", "abroad.business_base, business_savings_effect",
     "returnees' income (not the return decision)", "?????", "base",
     "abroad:\n  business_base: {from: 2020-01, values: {2020-01: 0.05}}\n"
     "  business_savings_effect: {from: 2020-01, values: {2020-01: 0.10}}\n", POLICY,
     "the optimistic scenario's business part alone"),
    ("credit for the cost of going (50,000 som)", "decision.credit_som",
     "departure, only with decision.liquidity_constraint", "00000", "base",
     "decision:\n  credit_som: {from: 2020-01, values: {2020-01: 50000}}\n", POLICY,
     "base has no liquidity constraint: the lever reaches nothing there"),
]


def variant_files(work):
    """Scenario file of every arm: name -> path (reference scenarios and lever variants)."""
    files = {"base": os.path.join(KG, "base.yaml"), "no_eaeu": os.path.join(KG, "no_eaeu.yaml")}
    for i, (name, key, reaches, signs, ref, body, period, note) in enumerate(LEVERS):
        if body.startswith("file:"):
            files[f"lever{i}"] = os.path.join(KG, body[5:])
            continue
        path = os.path.join(work, f"lever{i}.yaml")
        with open(path, "w") as f:
            f.write(f"name: lever{i}\nbase: {os.path.join(KG, ref + '.yaml')}\n{body}")
        files[f"lever{i}"] = path
    return files


def fingerprint():
    """What the table's numbers depend on: this script, the Kyrgyz scenario files (not the
    targets) and data, and the golden /series digests of the Kyrgyz scenarios (they change when
    the model does)."""
    h = hashlib.sha256()
    # targets.yaml is left out: the runs never read it (new scored targets change no number).
    scenarios = [p for p in sorted(glob.glob(os.path.join(KG, "*.yaml")))
                 if os.path.basename(p) != "targets.yaml"]
    paths = [os.path.abspath(__file__)] + scenarios + sorted(glob.glob(os.path.join(DATA, "*.csv")))
    for p in paths:
        h.update(os.path.relpath(p, SOURCE).encode())
        with open(p, "rb") as f:
            h.update(f.read())
    with open(GOLDEN) as f:
        for line in f:
            if "scenarios/kyrgyzstan/" in line:
                h.update(line.encode())
    return h.hexdigest()[:16]


def metrics(path, period, regions=None):
    """The four metrics of one run over `period` (years, inclusive)."""
    def total(name, how="sum", dest=FOREIGN):
        keep = {"destination": dest}
        if regions:
            keep["region"] = regions
        v, axes, labels = kr.read_series(path, name)
        years = np.array([int(m[:4]) for m in labels["time"]])
        sel = (years >= period[0]) & (years <= period[1])
        x = v[sel]
        for k, want in keep.items():
            if k in axes:
                ax = axes.index(k)
                x = np.take(x, [labels[k].index(w) for w in want], axis=ax)
        per_month = x.reshape(x.shape[0], -1).sum(axis=1)
        return float(per_month.mean() if how == "mean" else per_month.sum())
    rem = kr.read_series(path, "remittances_usd")
    returns, stock = total("returns"), total("stock", "mean")
    return (total("departures"), returns, returns / stock, stock, _total_plain(rem, period))


def _total_plain(series, period):
    v, axes, labels = series
    years = np.array([int(m[:4]) for m in labels["time"]])
    x = v[(years >= period[0]) & (years <= period[1])]
    return float(x.sum())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default=os.path.join(SOURCE, "build", "release", "tools", "kochmon"))
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", default=os.path.join(KG, "LEVERS.md"))
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="kochmon-levers-")
    files = variant_files(work)

    def run(job):
        name, seed = job
        out = os.path.join(work, f"{name}-{seed}.h5")
        subprocess.run([args.bin, "run", files[name], "-q", "--seed", str(seed), "--threads", "1",
                        "--set", f"scale={args.scale}", "-o", out], check=True)
        return job, out

    jobs = [(n, s) for n in files for s in args.seeds]
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        runs = dict(pool.map(run, jobs))

    rows = []
    for i, (name, key, reaches, signs, ref, body, period, note) in enumerate(LEVERS):
        regions = SOUTH if key == "regions[].unemployment" else None
        a = np.array([metrics(runs[(f"lever{i}", s)], period, regions) for s in args.seeds])
        b = np.array([metrics(runs[(ref, s)], period, regions) for s in args.seeds])
        rel = 100.0 * (a - b) / b
        mean = rel.mean(axis=0)
        se = rel.std(axis=0, ddof=1) / np.sqrt(len(args.seeds))
        cells = []
        for k in range(len(METRICS)):
            expect = signs[k]
            verdict = ""
            if expect in "+−":
                s = 1 if expect == "+" else -1
                verdict = (" yes" if s * mean[k] > 2 * se[k] else
                           " n.s." if abs(mean[k]) <= 2 * se[k] else " **NO**")
            elif expect == "0":
                verdict = " yes" if abs(mean[k]) <= 2 * se[k] else " **NO**"
            cells.append(f"{expect}: {mean[k]:+.2f} ± {se[k]:.2f}{verdict}")
        scope = "the south's departures, returns, stock; all remittances" if regions else ""
        rows.append((name, key, reaches, cells, ref, f"{period[0]}–{period[1]}",
                     "; ".join(x for x in (note, scope) if x)))

    out = ["# Policy levers of the Kyrgyz scenarios: what each reaches, and its measured effect",
           "",
           f"<!-- Generated by tools/analysis/levers.py; do not edit. fingerprint: {fingerprint()} -->",
           "",
           "Each row: the lever, its key (scenarios/REFERENCE.md), what it reaches in the model, "
           "and for departures abroad, returns from abroad, returns per migrant abroad (the return "
           "rate: returns over the mean stock), the mean stock abroad and remittances (USD) the "
           "sign theory expects (+, −, 0 none, ? ambiguous) and the measured effect: the "
           f"mean over {len(args.seeds)} paired seeds ({' '.join(map(str, args.seeds))}) of "
           "(lever − reference) / reference in percent, ± its standard error, at scale "
           f"{args.scale:g}, summed (the stock: averaged) over the period. Verdict: yes (the "
           "expected sign, more than 2 standard errors from 0), n.s. (within 2), **NO** (the "
           "other sign). Common random numbers: both arms share the population and every keyed "
           "draw. The lever starts on 2020-01 unless said; before it the series are the "
           "reference's. Theory signs the return *rate* (the hazard); the count of returns also "
           "moves with the stock abroad, so its sign is left open where the lever moves both. "
           "Regenerate with `/usr/bin/python3 tools/analysis/levers.py` after a "
           "change of the model or the scenarios (tests/python/test_levers_doc.py checks the "
           "fingerprint).",
           "",
           "| lever | key | reaches | departures abroad % | returns % | returns per migrant "
           "abroad % | stock abroad % | remittances % | against | period | note |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, key, reaches, cells, ref, period, note in rows:
        out.append(f"| {name} | `{key}` | {reaches} | " + " | ".join(cells)
                   + f" | {ref} | {period} | {note} |")
    out.append("")
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(out))
    os.replace(tmp, args.out)
    print(f"wrote {args.out} ({len(rows)} levers, {len(jobs)} runs)")


if __name__ == "__main__":
    main()
