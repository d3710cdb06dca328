#!/usr/bin/python3
"""Scenario tests of the Kyrgyzstan scenarios (issue #4; issue #12; scenarios/kyrgyzstan/README.md).

Statistical, not exact, with fixed seeds. Every scenario runs at a 1% sample (--set scale=0.01,
about 15,000 households) over its whole period (2010-01 to base's end, 2030-12) with the same
ten seeds, two runs at a time, one thread each. A variant and base with the same seed share the
synthetic population and every keyed random draw (common random numbers, MODEL.md §9), so a
comparison is made on the ten paired differences variant - base. A claim of a sign holds when
the mean difference has the claimed sign and exceeds T_CRIT standard errors of the mean
(sd / sqrt(10)), T_CRIT being Student's t for n - 1 = 9 degrees of freedom at the two-sided 95%
point (2.26; scipy.stats.t.ppf). A claim about a level (a ratio against a threshold) holds when
the whole 95% t-interval of the mean over seeds is on the claimed side. Ten seeds: each run
takes 0.4-0.5 s, so the 120 runs of the paired claims take about a minute on one core, and the
smallest effect a claim can detect is 2.26 / sqrt(10) = 0.7 paired sd (with 3 seeds it was
4.30 / sqrt(3) = 2.5 paired sd).

Periods: every claim is measured over the period the scenario is about, read from each
scenario file's header, never over a window chosen because it passes:
  pessimistic   the Russian crisis, 2020-2024 (pessimistic.yaml);
  policy variants and optimistic   from 2020-01 to the end of the run, 2020-2030;
  no_eaeu       after accession (August 2015): 2016-2030;
  macro signs   the change is permanent from the start, so the whole run, 2010-2030.

Claims (MODEL.md claims and §10; the briefs of issues #4 and #12):
  hindcast   `kochmon validate` of base against every row of targets.yaml with weight > 0
             (stock 2013-2020, share in Russia, households with a member abroad, the south's
             over-representation, remittances 2013-2015 and their fall, no mass return, the
             inter-oblast flows and the nine balances), at scale 0.1 with four seeds that the
             calibration did not use; a row must pass in every seed. Bishkek and Chui the only
             net gainers of internal migration (with returns of internal migrants).
  rouble     remittances in USD fall in 2015, by as much as observed (0.753, T2.11, within the
             disagreement of the two published series); no mass return as targets.yaml's
             no_mass_return defines it (stock abroad 2016 / 2014 at least 0.8).
  pessimistic  more returns, a smaller stock abroad and higher Kyrgyz unemployment than base
             over the crisis; a mass return: the same ratio as no_mass_return over the crisis
             (stock abroad in its last year over the year before it starts) below 0.8, while
             base stays above it over the same years.
  optimistic   more returns and more returnee businesses than base.
  no_eaeu    fewer legal migrants, more expulsions and fewer departures to Russia and
             Kazakhstan than base (EAEU accession raises departures to EAEU destinations).
  levers     (issue #15, from 2020) a patent twice as dear (on no_eaeu, which keeps it): fewer
             legal migrants and a larger illegal share; a Russian wage 20% lower: fewer
             departures and more returns.
  policies   remittance_fee_cut: more remittances; south_jobs: fewer leave the south;
             return_grant: more returns; predeparture_training: larger stock abroad.
  macro signs (same seed, one change): Russian wage +10%, som devaluation 10%, Kyrgyz wages
             -1% -> more departures abroad; farm income per hectare +10% -> fewer; the
             elasticity of departures abroad to Kyrgyz wages within [-1, 0).

Known failures (issue #12, defect 5): tests/python/known_failing.txt lists the claims that do
not hold, with the reason, one `claim | reason` a line. This test evaluates every claim once,
writes every verdict with its numbers to a JSON file (KOCHMON_SCENARIO_VERDICTS, else its work
directory), and fails on any failing claim that is not listed. tests/CMakeLists.txt registers one
ctest `known_failing.<slug>` per listed claim (WILL_FAIL, known_failing.py): it passes while the
claim fails and fails once the claim holds (XPASS) or if no claim of that name was evaluated.
Run by hand (not under ctest, KOCHMON_KNOWN_FAILING_BY_CTEST unset), this test itself fails on
an XPASS or an unevaluated listed name. Run time: about 130 short runs, 1-2 minutes on 2 cores.
"""

import concurrent.futures
import csv
import io
import json
import math
import os
import shutil
import sys
import time

import numpy as np
import yaml
from scipy import stats as sps

from kochmon_testlib import FAILURES, SOURCE, check, finish, kochmon, workdir

import known_failing
import kochmon_read as kr

T0 = time.monotonic()
SCALE = os.environ.get("KOCHMON_SCENARIO_SCALE", "0.01")
SEEDS = [101 * k for k in range(1, 11)]          # 101, 202, ..., 1010
T_CRIT = float(sps.t.ppf(0.975, len(SEEDS) - 1))  # 2.262: two-sided 95%, 9 degrees of freedom
FOREIGN = ["russia", "kazakhstan", "other"]
SOUTH_OBLASTS = ["batken", "jalal_abad", "osh_oblast"]
KG = os.path.join(SOURCE, "scenarios", "kyrgyzstan")
DATA = os.path.join(KG, "data")
TARGETS_FILE = os.path.join(KG, "targets.yaml")

BASE = yaml.safe_load(open(os.path.join(KG, "base.yaml")))
START_YEAR, END_YEAR = int(str(BASE["time"]["start"])[:4]), int(str(BASE["time"]["end"])[:4])
WHOLE = (START_YEAR, END_YEAR)       # 2010-2030: macro variants change the whole run
POLICY = (2020, END_YEAR)            # every policy variant and optimistic: from 2020-01 to the end
CRISIS = (2020, 2024)                # pessimistic.yaml: "a Russian crisis of five years, 2020-2024"
AFTER_ACCESSION = (2016, END_YEAR)   # no_eaeu.yaml: "fewer legal migrants and more expulsions than
#                                      base after 2015" (accession in August 2015)


def span(period):
    return f"{period[0]}-{period[1]}"


# ---------------------------------------------------------------- claims and verdicts

KNOWN, LIST_ERRORS = known_failing.read_list()
BY_CTEST = os.environ.get("KOCHMON_KNOWN_FAILING_BY_CTEST") == "1"
VERDICTS = {}
d = workdir("scenarios-kyrgyzstan")
VERDICTS_FILE = os.environ.get("KOCHMON_SCENARIO_VERDICTS") or os.path.join(d, "verdicts.json")
if os.path.exists(VERDICTS_FILE):
    os.remove(VERDICTS_FILE)         # never leave the verdicts of an earlier run to be read


def _plain(x):
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, np.ndarray)):
        return [_plain(v) for v in x]
    if isinstance(x, (np.floating, np.integer)):
        return x.item()
    return x


def claim(name, ok, detail, **numbers):
    """A claim: recorded with its numbers; a failure unless it is in known_failing.txt."""
    ok = bool(ok)
    if name in VERDICTS:
        raise AssertionError(f"claim {name!r} evaluated twice")
    VERDICTS[name] = {"ok": ok, "detail": detail, "numbers": _plain(numbers)}
    listed = name in KNOWN
    tag = "ok   " if ok and not listed else "XPASS" if ok else "XFAIL" if listed else "FAIL "
    print(f"{tag} {name}: {detail}")
    if listed:
        print(f"      (listed in known_failing.txt: {KNOWN[name]})")
        return ok
    return check(ok, f"{name}: {detail}")


def mean_sd_se(values):
    a = np.asarray(values, dtype=float)
    sd = float(a.std(ddof=1)) if len(a) > 1 else 0.0
    return float(a.mean()), sd, sd / math.sqrt(len(a))


# ---------------------------------------------------------------- runs


def write_variant(name, body, of="base.yaml"):
    """A small variant file of `of` (base.yaml) written by the test (absolute csv paths)."""
    path = os.path.join(d, f"{name}.yaml")
    with open(path, "w") as f:
        f.write(f"name: {name}\nbase: {os.path.join(KG, of)}\n{body}")
    return path


def csv_series(csv_file, ident, variable, growth, factor):
    return (f"{{csv: {os.path.join(DATA, csv_file)}, id: {ident}, variable: {variable}, "
            f"growth_after_pct: {growth}, factor: {factor}}}")


REGIONS = ["batken", "jalal_abad", "issyk_kul", "naryn", "osh_oblast", "talas", "chui", "bishkek",
           "osh_city"]
KG_WAGE_FACTOR = 0.99
# Macro-sign variants: one change each, on the same references as base.yaml (the growth rates
# after the data must equal base's: 5% Russian wages, 3% exchange rates, 6% Kyrgyz wages, 5%
# farm income).
MACRO = {
    "ru_wage_up10": write_variant("ru_wage_up10", "destinations:\n  - id: russia\n    wage_local: "
                                  + csv_series("external_series.csv", "russia", "wage_avg_nominal_month", 5.0, 1.1)
                                  + "\n"),
    "som_deval10": write_variant("som_deval10", "currencies:\n  per_usd:\n    som: "
                                 + csv_series("external_series.csv", "kyrgyzstan", "kgs_per_usd_avg", 3.0, 1.1)
                                 + "\n"),
    "kg_wage_down1": write_variant("kg_wage_down1", "regions:\n" + "".join(
        f"  - id: {r}\n    wage_som: "
        + csv_series("region_indicators.csv", r, "wage_avg_som_month", 6.0, KG_WAGE_FACTOR) + "\n" for r in REGIONS)),
    "farm_up10": write_variant("farm_up10", "regions:\n" + "".join(
        f"  - id: {r}\n    farm_income_som_per_ha: {{values: {{2010: 3000}}, growth_after_pct: 5.0, factor: 1.1}}\n"
        for r in REGIONS)),
}
# Lever signs (issue #15), each change from 2020-01 (the series before it are base's):
# - a Russian wage 20% lower from 2020 (the same data and growth, factor 0.8);
# - the patent (pre-EAEU, so on no_eaeu, where Russia and Kazakhstan keep it) twice as dear
#   from 2020 (5,000 -> 10,000 som a month), against no_eaeu itself.
LEVERS = {
    "ru_wage_cut20": write_variant("ru_wage_cut20", "destinations:\n  - id: russia\n    wage_local: "
                                   + csv_series("external_series.csv", "russia", "wage_avg_nominal_month", 5.0, 0.8)[:-1]
                                   + ", from: 2020-01}\n"),
    "patent_dear": write_variant("patent_dear", "regimes:\n  pre_eaeu:\n    permit_cost_som: "
                                 "{from: 2020-01, values: {2020-01: 10000}}\n", of="no_eaeu.yaml"),
}
SCENARIOS = {name: os.path.join(KG, f"{name}.yaml") for name in
             ["base", "pessimistic", "optimistic", "no_eaeu", "remittance_fee_cut", "south_jobs",
              "return_grant", "predeparture_training"]}
SCENARIOS.update(MACRO)
SCENARIOS.update(LEVERS)

# Internal migration is a thin flow (measured at scale 0.01: a region's net 2013-2015 has a
# seed-to-seed sd of 400-1800 persons, of the order of the nets themselves), so base also
# runs at INTERNAL_SCALE, to 2015-12, with eight seeds of its own, for that check only.
INTERNAL_SCALE = os.environ.get("KOCHMON_SCENARIO_INTERNAL_SCALE", "0.05")
INTERNAL_SEEDS = [101 * k for k in range(1, 9)]
# The hindcast (kochmon validate against targets.yaml) needs the scale the targets were fitted
# at: the calibration ran at scale 0.04 and fit_interoblast.py and the validation of
# fit_report.md at 0.1. At scale 0.01 sampling noise alone fails rows (measured, base, four
# seeds: 1-5 of the nine inter-oblast balances, which rest on 100-300 simulated movers a year
# there, and the south's over-representation in 2017, 0.997 against >= 1). At scale 0.1 the
# seed-to-seed sd is small against the margins (measured, these four seeds: stock 2-3 thousand
# against 60+ to a bound, households abroad 0.001 against 0.003 in 2016, the south 0.004
# against 0.01 in 2017, the 2015 fall 0.002; the balances 6-20% of the ratio against a
# tolerance of 50%, the tightest Issyk-Kul and Talas, about 2 sd from it), and a run to 2020-12
# (the last target year) takes about 2 s. Four seeds, as in fit_report.md, but not the
# calibration's (101 202 303 404, 20100101): these runs are out of sample. A row must pass in
# every seed (each run is one realisation to compare with the one history observed).
VALIDATE_SCALE = os.environ.get("KOCHMON_SCENARIO_VALIDATE_SCALE", "0.1")
VALIDATE_SEEDS = [505, 606, 707, 808]
VALIDATE_END = "2020-12"
SCENARIOS["base_internal"] = SCENARIOS["base"]
SCENARIOS["base_validate"] = SCENARIOS["base"]


def run(job):
    name, seed = job
    out = os.path.join(d, f"{name}-{seed}.h5")
    args = ["run", SCENARIOS[name], "-q", "--seed", seed, "-o", out, "--threads", 1]
    if name == "base_internal":
        args += ["--set", f"scale={INTERNAL_SCALE}", "--set", "time.end=2015-12"]
    elif name == "base_validate":
        args += ["--set", f"scale={VALIDATE_SCALE}", "--set", f"time.end={VALIDATE_END}"]
    else:
        args += ["--set", f"scale={SCALE}"]     # the scenario's own period, 2010-01 to 2030-12
    kochmon(*args)
    return job, out


# The long runs first, so that two workers finish together.
jobs = ([("base_validate", s) for s in VALIDATE_SEEDS] + [("base_internal", s) for s in INTERNAL_SEEDS]
        + [(name, s) for name in SCENARIOS if not name.startswith("base_") for s in SEEDS])
# Two runs at a time (KOCHMON_SCENARIO_JOBS=1 leaves a core free for other work).
with concurrent.futures.ThreadPoolExecutor(max_workers=int(os.environ.get("KOCHMON_SCENARIO_JOBS", "2"))) as pool:
    RUNS = dict(pool.map(run, jobs))
print(f"{len(jobs)} runs in {time.monotonic() - T0:.0f} s (scale {SCALE}, seeds {SEEDS}; "
      f"t critical value {T_CRIT:.3f} for {len(SEEDS) - 1} degrees of freedom)")

# ---------------------------------------------------------------- reading

_cache = {}


def series(name, seed, what):
    key = (name, seed, what)
    if key not in _cache:
        _cache[key] = kr.read_series(RUNS[(name, seed)], what)
    return _cache[key]


def years_of(labels):
    return np.array([int(m[:4]) for m in labels["time"]])


def total(name, seed, what, period, dest=None, region=None, reduce="sum"):
    """Sum over the selected regions/destinations of a series, then over the months of the
    period's years (reduce="sum", a flow) or their mean (reduce="mean", a stock)."""
    y0, y1 = period
    v, axes, labels = series(name, seed, what)
    yrs = years_of(labels)
    if yrs[0] > y0 or yrs[-1] < y1:
        raise AssertionError(f"{what} of {name}: the run covers {yrs[0]}-{yrs[-1]}, not {y0}-{y1}")
    x = v[(yrs >= y0) & (yrs <= y1)]
    if "destination" in axes and dest is not None:
        x = x[:, :, [labels["destination"].index(k) for k in dest]]
    if region is not None:
        x = x[:, [labels["region"].index(k) for k in region]]
    per_month = x.reshape(x.shape[0], -1).sum(axis=1)
    return float(per_month.sum() if reduce == "sum" else per_month.mean())


def weighted_rate(name, seed, what, period):
    """A regional rate weighted by the resident population, mean over the months of the period."""
    v, _, labels = series(name, seed, what)
    p, _, _ = series(name, seed, "population_home")
    yrs = years_of(labels)
    sel = (yrs >= period[0]) & (yrs <= period[1])
    return float(np.mean((v[sel] * p[sel]).sum(axis=1) / p[sel].sum(axis=1)))


def legal_stock(name, seed, period):
    v, _, labels = series(name, seed, "stock_by_sex_legal")
    yrs = years_of(labels)
    di = [labels["destination"].index(k) for k in FOREIGN]
    x = v[(yrs >= period[0]) & (yrs <= period[1])][..., labels["legal_status"].index("legal")][:, :, di]
    return float(x.reshape(x.shape[0], -1).sum(axis=1).mean())


def paired_claim(name, metric, variant, sign, base="base"):
    """variant - base of metric(name, seed), paired by seed: holds when sign * mean > T_CRIT * se."""
    a = np.array([metric(variant, s) for s in SEEDS])
    b = np.array([metric(base, s) for s in SEEDS])
    m, sd, se = mean_sd_se(a - b)
    rm, _, rse = mean_sd_se(a / b - 1.0)
    t = m / se if se > 0 else math.copysign(math.inf, m)
    ok = sign * m > T_CRIT * se and sign * m > 0
    claim(name, ok, f"{variant} - {base} = {m:+.4g} (paired sd {sd:.3g}, se {se:.3g}, t {t:+.2f}, needs "
          f"{'+' if sign > 0 else '-'}{T_CRIT:.2f}; relative {100 * rm:+.2f}% +- {100 * rse:.2f}%)",
          mean=m, sd=sd, se=se, t=t, t_crit=T_CRIT, relative=rm, relative_se=rse, n=len(SEEDS))
    return rm, rse


def level_claim(name, values, low=None, high=None, what="", fmt=".4g"):
    """A level over seeds: holds when the 95% t-interval of the mean lies within [low, high)."""
    m, sd, se = mean_sd_se(values)
    lo, hi = m - T_CRIT * se, m + T_CRIT * se
    ok = (low is None or lo >= low) and (high is None or hi < high)
    bound = (f"at least {low:{fmt}}" if high is None else f"below {high:{fmt}}" if low is None
             else f"within [{low:{fmt}}, {high:{fmt}})")
    claim(name, ok, f"{what}{m:{fmt}} (sd {sd:.2g} over {len(values)} seeds, 95% interval "
          f"{lo:{fmt}} to {hi:{fmt}}; needs {bound})",
          mean=m, sd=sd, se=se, low=low, high=high, interval=[lo, hi], values=list(values))
    return m, se


# ---------------------------------------------------------------- targets

TARGETS = yaml.safe_load(open(TARGETS_FILE))["targets"]
targets = {t["id"]: t for t in TARGETS}
GAINERS = set(targets["interoblast"]["net_gainers"])

# no_mass_return as targets.yaml defines it: the mean stock abroad of one year over that of an
# earlier year, at least `low`. Read from the row, so the claims below follow it.
NMR = targets["no_mass_return"]
_num, _den = NMR["ratio"]
assert _num["series"] == _den["series"] == "stock" and _num["reduce"] == _den["reduce"] == "mean", NMR
NMR_DEST = _num["select"]["destination"]
assert NMR_DEST == _den["select"]["destination"] and sorted(NMR_DEST) == sorted(FOREIGN), NMR
NMR_YEARS = (int(_den["year"]), int(_num["year"]))        # (2014, 2016)
NMR_LOW = float(NMR["low"])                                # 0.8


def stock_ratio(name, seed, year_num, year_den):
    return (total(name, seed, "stock", (year_num, year_num), dest=NMR_DEST, reduce="mean")
            / total(name, seed, "stock", (year_den, year_den), dest=NMR_DEST, reduce="mean"))


# ---------------------------------------------------------------- hindcast: kochmon validate


def read_validation_csv(path):
    """The rows of validation.csv (the table before the blank line)."""
    text = open(path).read().split("\n\n")[0]
    return list(csv.DictReader(io.StringIO(text)))


def target_of(row_id):
    """The targets.yaml row a validation row comes from (internal_migration makes two rows)."""
    if row_id in targets:
        return targets[row_id]
    for t in TARGETS:
        if t.get("kind") == "internal_migration" and row_id in (f"{t['id']}_mean_rel_diff",
                                                                f"{t['id']}_net_gainers"):
            return t
    raise AssertionError(f"validation row {row_id!r} matches no target of {TARGETS_FILE}")


table = {}                       # (row id, period) -> [row of each seed]
for s in VALIDATE_SEEDS:
    out_dir = os.path.join(d, f"validate-{s}")
    kochmon("validate", RUNS[("base_validate", s)], "--targets", TARGETS_FILE, "-o", out_dir, "-q")
    for row in read_validation_csv(os.path.join(out_dir, "validation.csv")):
        table.setdefault((row["target"], row["period"]), []).append(row)

print(f"hindcast: kochmon validate of base against {os.path.relpath(TARGETS_FILE, SOURCE)} "
      f"(scale {VALIDATE_SCALE}, to {VALIDATE_END}, seeds {VALIDATE_SEEDS}; a row must pass in every seed)")
covered = set()
for (row_id, period), rows in table.items():
    t = target_of(row_id)
    sims = [float(r["simulated"]) for r in rows]
    statuses = [r["status"] for r in rows]
    observed = rows[0]["value"] or ""
    if rows[0]["low"] or rows[0]["high"]:
        observed += f" [{rows[0]['low'] or '-inf'}, {rows[0]['high'] or 'inf'}]"
    detail = (f"simulated {np.mean(sims):.4g} (seeds {min(sims):.4g} to {max(sims):.4g}), observed "
              f"{observed.strip()}; {' '.join(statuses)}")
    if float(t.get("weight", 1)) == 0:
        print(f"      (weight 0, reported, not judged) {row_id} {period}: {detail}")
        continue
    covered.add(t["id"])
    claim(f"hindcast: {row_id} {period} passes in every seed",
          len(rows) == len(VALIDATE_SEEDS) and all(st == "pass" for st in statuses), detail,
          simulated=sims, status=statuses, observed=observed.strip())
for t in TARGETS:
    if float(t.get("weight", 1)) > 0 and t["id"] not in covered:
        claim(f"hindcast: {t['id']} is covered by the runs", False,
              f"no row of {t['id']} in the validation of runs to {VALIDATE_END}")


def internal_net(name, seed, y0, y1):
    """Net internal migration by region over y0..y1: arrivals (moves in, and the region's own
    internal migrants coming back) minus departures (moves out, and other regions' migrants
    leaving it when they return)."""
    mv, _, labels = series(name, seed, "internal_moves")
    rt, _, rl = series(name, seed, "returns")
    yrs = years_of(labels)
    sel = (yrs >= y0) & (yrs <= y1)
    moves = mv[sel].sum(axis=0)                       # [origin, region]
    regions = rl["region"]
    internal = [rl["destination"].index(r) for r in regions]
    back = rt[sel][:, :, internal].sum(axis=0)        # [home region, region it came back from]
    net = moves.sum(axis=0) - moves.sum(axis=1) + back.sum(axis=1) - back.sum(axis=0)
    return dict(zip(regions, net))


# Internal migration 2013-2015 (the years of T2.22), at INTERNAL_SCALE, over INTERNAL_SEEDS.
# The claim is about the model's expected net flow, so a region counts as a gainer or a loser
# when |mean net| exceeds T_INTERNAL standard errors of the mean over the 8 seeds: Student's t
# with 7 degrees of freedom at its two-sided 99% point, 3.50 (the test said 3.0 before, which
# is the 98% point); an undecided region fails the claim. Seed-to-seed sd, calibrated base with
# household moves: 400-3000 persons, and no smaller at scale 0.2, so the spread comes from the
# regional shocks, not the sample.
T_INTERNAL = float(sps.t.ppf(0.995, len(INTERNAL_SEEDS) - 1))
print(f"base: net internal migration 2013-2015 (persons, mean and sd over seeds, scale {INTERNAL_SCALE})")
nets = [internal_net("base_internal", s, 2013, 2015) for s in INTERNAL_SEEDS]
wrong = []
for r in nets[0]:
    m, sd, se = mean_sd_se([n[r] for n in nets])
    want = r in GAINERS
    ok = (m > 0) == want and abs(m) > T_INTERNAL * se
    print(f"  {r:11s} net {m:+8.0f} (sd {sd:5.0f}, se {se:5.0f}, t {m / se:+6.1f}) "
          f"{'ok' if ok else 'expected a net ' + ('gainer' if want else 'loser')}")
    if not ok:
        wrong.append(r)
claim("base: Bishkek and Chui are the only net gainers of internal migration 2013-2015", not wrong,
      f"regions against the claim (or undecided at |t| > {T_INTERNAL:.2f}): {', '.join(wrong) or 'none'}; "
      f"gainers from targets.yaml: {', '.join(sorted(GAINERS))}", wrong=wrong)

# ---------------------------------------------------------------- the 2014-15 rouble crisis


def observed(csv_file, variable, year, source, country=None):
    with open(os.path.join(DATA, csv_file)) as f:
        rows = [r for r in csv.DictReader(f) if r["variable"] == variable and int(r["year"]) == year
                and r["source"] == source and (country is None or r["country"] == country)]
    assert len(rows) == 1, (csv_file, variable, year, rows)
    return float(rows[0]["value"])


# Remittances in USD, 2015 over 2014, per seed (measured, calibrated base: 0.675, sd 0.003).
rem = [total("base", s, "remittances_usd", (2015, 2015)) / total("base", s, "remittances_usd", (2014, 2014))
       for s in SEEDS]
level_claim("rouble crisis: remittances in USD fall in 2015", rem, high=1.0, what="2015/2014 = ", fmt=".3f")
# Its size. Observed (T2.11, remittances received through transfer systems, Kyrgyz side):
# 1683.6 / 2235.9 = 0.753 (targets.yaml remittances_2015_fall). The same fall measured on the
# Russian side (T1.3, the Bank of Russia's cross-border transfers to Kyrgyzstan, year-shifted as
# in DATA.md) is 1383 / 2062 = 0.671, 10.9% lower: the observation itself is uncertain by that
# much, so the tolerance is that relative difference, computed from the two series, around
# T2.11's value; sampling error (sd 0.003 between seeds) enters through the t-interval.
OBS_FALL = (observed("national_indicators.csv", "remit_total_mts_musd", 2015, "T2.11")
            / observed("national_indicators.csv", "remit_total_mts_musd", 2014, "T2.11"))
OBS_FALL_RU = (observed("eaeu_indicators.csv", "remit_from_russia_crossborder_musd", 2015, "T1.3", "kyrgyzstan")
               / observed("eaeu_indicators.csv", "remit_from_russia_crossborder_musd", 2014, "T1.3", "kyrgyzstan"))
assert abs(OBS_FALL - targets["remittances_2015_fall"]["value"]) < 5e-4, OBS_FALL
FALL_TOL = abs(OBS_FALL_RU / OBS_FALL - 1.0)
level_claim(f"rouble crisis: the 2015 fall of remittances in USD is the observed {OBS_FALL:.3f} "
            f"within {100 * FALL_TOL:.0f}%", rem, low=OBS_FALL * (1 - FALL_TOL), high=OBS_FALL * (1 + FALL_TOL),
            what="2015/2014 = ", fmt=".3f")
print(f"  (observed: T2.11 {OBS_FALL:.3f}, T1.3 {OBS_FALL_RU:.3f}; tolerance = their relative difference)")
# No mass return, as targets.yaml's no_mass_return defines it (replacing an unsourced "falls by
# at most 15%": the threshold is the row's, source MODEL.md §10 and facts.csv
# kg_registered_work_russia_growth_vs_2014). Measured: 0.866, sd 0.006.
level_claim(f"rouble crisis: no mass return (stock abroad {NMR_YEARS[1]}/{NMR_YEARS[0]} at least {NMR_LOW}, "
            "targets.yaml no_mass_return)",
            [stock_ratio("base", s, NMR_YEARS[1], NMR_YEARS[0]) for s in SEEDS], low=NMR_LOW,
            what=f"{NMR_YEARS[1]}/{NMR_YEARS[0]} = ", fmt=".3f")

# ---------------------------------------------------------------- pessimistic

# Paired with base (same seeds), over the crisis 2020-2024.
paired_claim(f"pessimistic: more returns than base over the crisis {span(CRISIS)}",
             lambda n, s: total(n, s, "returns", CRISIS, dest=FOREIGN), "pessimistic", +1)
paired_claim(f"pessimistic: smaller stock abroad than base over the crisis {span(CRISIS)}",
             lambda n, s: total(n, s, "stock", CRISIS, dest=FOREIGN, reduce="mean"), "pessimistic", -1)
paired_claim(f"pessimistic: higher Kyrgyz unemployment than base over the crisis {span(CRISIS)}",
             lambda n, s: weighted_rate(n, s, "unemployment_rate", CRISIS), "pessimistic", +1)
# Mass return: the dissertation's "a Russian crisis of 4-5 years with Kyrgyz stagnation leads to
# mass return" against targets.yaml's no_mass_return, the same ratio measured over this crisis:
# the mean stock abroad (all foreign destinations) in the crisis's last year, 2024, over that in
# the year before it starts, 2019. A mass return is that ratio below no_mass_return's low (0.8):
# the threshold the rouble crisis of 2014-15 stayed above. Base over the same years is the
# control: no crisis, no mass return.
MR_YEARS = (CRISIS[0] - 1, CRISIS[1])
level_claim(f"pessimistic: mass return over the crisis (stock abroad {MR_YEARS[1]}/{MR_YEARS[0]} below {NMR_LOW})",
            [stock_ratio("pessimistic", s, MR_YEARS[1], MR_YEARS[0]) for s in SEEDS], high=NMR_LOW,
            what=f"{MR_YEARS[1]}/{MR_YEARS[0]} = ", fmt=".3f")
level_claim(f"base: no mass return over the same years (stock abroad {MR_YEARS[1]}/{MR_YEARS[0]} at least {NMR_LOW})",
            [stock_ratio("base", s, MR_YEARS[1], MR_YEARS[0]) for s in SEEDS], low=NMR_LOW,
            what=f"{MR_YEARS[1]}/{MR_YEARS[0]} = ", fmt=".3f")
for y in range(CRISIS[0], END_YEAR + 1):
    r = [stock_ratio("pessimistic", s, y, MR_YEARS[0]) for s in SEEDS]
    ru = [total("pessimistic", s, "stock", (y, y), dest=["russia"], reduce="mean")
          / total("pessimistic", s, "stock", (MR_YEARS[0], MR_YEARS[0]), dest=["russia"], reduce="mean") for s in SEEDS]
    rb = [stock_ratio("base", s, y, MR_YEARS[0]) for s in SEEDS]
    print(f"  (stock abroad {y}/{MR_YEARS[0]}: pessimistic {np.mean(r):.3f} (Russia alone {np.mean(ru):.3f}), "
          f"base {np.mean(rb):.3f})")
rate = [mean_sd_se([total(n, s, "returns", CRISIS, dest=FOREIGN)
                    / total(n, s, "stock", CRISIS, dest=FOREIGN, reduce="mean") for s in SEEDS])[0]
        for n in ("base", "pessimistic")]
print(f"  (returns per migrant abroad over the crisis: base {rate[0]:.4f}, pessimistic {rate[1]:.4f})")
# Where the crisis's smaller stock comes from: the stock abroad at the end of 2024 less base's
# is (departures - returns - expulsions) of pessimistic less base's, summed over 2020-2024 (the
# two are identical before 2020). The share from returns is -(returns difference) over that.
flows = {k: np.mean([total("pessimistic", s, k, CRISIS, dest=FOREIGN) - total("base", s, k, CRISIS, dest=FOREIGN)
                     for s in SEEDS]) for k in ("departures", "returns", "expulsions")}
fall = flows["departures"] - flows["returns"] - flows["expulsions"]
print(f"  (stock abroad, pessimistic less base, from the flows of {span(CRISIS)}: {fall:+,.0f}; from fewer "
      f"departures {flows['departures'] / fall:.0%}, from returns {-flows['returns'] / fall:+.0%}, "
      f"from expulsions {-flows['expulsions'] / fall:+.0%})")

# ---------------------------------------------------------------- optimistic

paired_claim(f"optimistic: more returns than base {span(POLICY)}",
             lambda n, s: total(n, s, "returns", POLICY, dest=FOREIGN), "optimistic", +1)
paired_claim(f"optimistic: more returnee businesses than base {span(POLICY)}",
             lambda n, s: total(n, s, "returnee_businesses", POLICY), "optimistic", +1)
rate = [mean_sd_se([total(n, s, "returns", POLICY, dest=FOREIGN)
                    / total(n, s, "stock", POLICY, dest=FOREIGN, reduce="mean") for s in SEEDS])[0]
        for n in ("base", "optimistic")]
print(f"  (returns per migrant abroad, {span(POLICY)}: base {rate[0]:.4f}, optimistic {rate[1]:.4f})")

# ---------------------------------------------------------------- no_eaeu

paired_claim(f"no_eaeu: fewer legal migrants abroad than base {span(AFTER_ACCESSION)}",
             lambda n, s: legal_stock(n, s, AFTER_ACCESSION), "no_eaeu", -1)
paired_claim(f"no_eaeu: more expulsions than base {span(AFTER_ACCESSION)}",
             lambda n, s: total(n, s, "expulsions", AFTER_ACCESSION, dest=FOREIGN), "no_eaeu", +1)

paired_claim(f"no_eaeu: fewer departures to the EAEU destinations (Russia, Kazakhstan) than base "
             f"{span(AFTER_ACCESSION)}",
             lambda n, s: total(n, s, "departures", AFTER_ACCESSION, dest=["russia", "kazakhstan"]),
             "no_eaeu", -1)

# ---------------------------------------------------------------- lever signs (from 2020)

paired_claim(f"patent twice as dear (no_eaeu): fewer legal migrants abroad {span(POLICY)}",
             lambda n, s: legal_stock(n, s, POLICY), "patent_dear", -1, base="no_eaeu")
paired_claim(f"patent twice as dear (no_eaeu): a larger illegal share of the stock abroad {span(POLICY)}",
             lambda n, s: 1.0 - legal_stock(n, s, POLICY)
             / total(n, s, "stock", POLICY, dest=FOREIGN, reduce="mean"), "patent_dear", +1, base="no_eaeu")
paired_claim(f"Russian wage 20% lower: fewer departures abroad {span(POLICY)}",
             lambda n, s: total(n, s, "departures", POLICY, dest=FOREIGN), "ru_wage_cut20", -1)
paired_claim(f"Russian wage 20% lower: more returns {span(POLICY)}",
             lambda n, s: total(n, s, "returns", POLICY, dest=FOREIGN), "ru_wage_cut20", +1)
# Theory signs the hazard: returns per migrant abroad (the count also moves with the stock).
paired_claim(f"Russian wage 20% lower: more returns per migrant abroad {span(POLICY)}",
             lambda n, s: total(n, s, "returns", POLICY, dest=FOREIGN)
             / total(n, s, "stock", POLICY, dest=FOREIGN, reduce="mean"), "ru_wage_cut20", +1)

# ---------------------------------------------------------------- policy variants (from 2020)

paired_claim(f"remittance_fee_cut: more remittances received {span(POLICY)}",
             lambda n, s: total(n, s, "remittances_som", POLICY), "remittance_fee_cut", +1)
paired_claim(f"south_jobs: fewer departures abroad from the three southern oblasts {span(POLICY)}",
             lambda n, s: total(n, s, "departures", POLICY, dest=FOREIGN, region=SOUTH_OBLASTS),
             "south_jobs", -1)
paired_claim(f"return_grant: more returns {span(POLICY)}",
             lambda n, s: total(n, s, "returns", POLICY, dest=FOREIGN), "return_grant", +1)
paired_claim(f"predeparture_training: larger stock abroad {span(POLICY)}",
             lambda n, s: total(n, s, "stock", POLICY, dest=FOREIGN, reduce="mean"),
             "predeparture_training", +1)

# ---------------------------------------------------------------- macro signs (whole run)


def departures_whole(n, s):
    return total(n, s, "departures", WHOLE, dest=FOREIGN)


paired_claim(f"macro: Russian wage +10% -> more departures abroad {span(WHOLE)}", departures_whole,
             "ru_wage_up10", +1)
paired_claim(f"macro: som devaluation 10% -> more departures abroad {span(WHOLE)}", departures_whole,
             "som_deval10", +1)
paired_claim(f"macro: Kyrgyz wages -1% -> more departures abroad {span(WHOLE)}", departures_whole,
             "kg_wage_down1", +1)
paired_claim(f"macro: farm income per hectare +10% -> fewer departures abroad {span(WHOLE)}",
             departures_whole, "farm_up10", -1)

# The elasticity of emigration to Kyrgyz wages, per seed ln(E_low / E_base) / ln(0.99) (as
# `kochmon calibrate --elasticity` defines it), E the departures abroad over the whole run.
# No empirical estimate of it is in the seed: facts.csv, DATA.md and MODEL.md give the sign
# only (the dissertation's least-squares model: lower Kyrgyz wages, more emigration). So the
# interval [-1, 0) comes from economics:
#  - the upper bound 0 is that sign (MODEL.md, claims and §10 "macro signs");
#  - the lower bound -1 is the direct effect of the home wage in the random-utility (logit)
#    model of migration that push-pull is (McFadden 1974, "Conditional logit analysis of
#    qualitative choice behavior"; for migration, Beine, Bertoli and Fernandez-Huertas Moraga
#    2016, "A practitioners' guide to gravity models of international migration", The World
#    Economy 39(4)): with the score b_wage * ln(w_d / w_r), the elasticity of the probability
#    of leaving to w_r is -b_wage * P(stay), which is -b_wage = -1 in base for monthly
#    probabilities near 0. The model's other channels through the home wage work the other
#    way: the cost of going counts in months of home wage (b_cost * c / w_r) and savings bound
#    who can pay it, the liquidity effect that makes emigration rise with home income in poor
#    countries (Djajic, Kirdar and Vinogradova 2016, "Source-country earnings and emigration",
#    J. International Economics 99; Clemens and Mendola 2020, IZA DP 13612, measure +0.23 within
#    low-income countries). An aggregate elasticity beyond -1 would need the network feedback
#    to more than offset them, which nothing in that literature supports.
# Measured at scale 0.25 (fit_report.md, 2013-2018): -0.49, se 0.006.
el = [math.log(departures_whole("kg_wage_down1", s) / departures_whole("base", s)) / math.log(KG_WAGE_FACTOR)
      for s in SEEDS]
level_claim(f"macro: elasticity of departures abroad {span(WHOLE)} to Kyrgyz wages within [-1, 0)", el,
            low=-1.0, high=0.0, what="", fmt="+.3f")
el_s = [math.log(total("kg_wage_down1", s, "stock", WHOLE, dest=FOREIGN, reduce="mean")
                 / total("base", s, "stock", WHOLE, dest=FOREIGN, reduce="mean")) / math.log(KG_WAGE_FACTOR)
        for s in SEEDS]
m, _, se = mean_sd_se(el_s)
print(f"  (elasticity of the mean stock abroad {span(WHOLE)} to Kyrgyz wages: {m:+.3f}, se {se:.3f})")

# ---------------------------------------------------------------- verdicts and the known-failing list

unlisted = sorted(n for n, v in VERDICTS.items() if not v["ok"] and n not in KNOWN)
xfails = sorted(n for n in KNOWN if n in VERDICTS and not VERDICTS[n]["ok"])
xpasses = sorted(n for n in KNOWN if n in VERDICTS and VERDICTS[n]["ok"])
unevaluated = sorted(n for n in KNOWN if n not in VERDICTS)
tmp = VERDICTS_FILE + ".tmp"
with open(tmp, "w", encoding="utf-8") as f:
    json.dump({"complete": True, "test": os.path.abspath(__file__), "scale": SCALE, "seeds": SEEDS,
               "t_crit": T_CRIT, "claims": VERDICTS, "known_failing": KNOWN}, f, indent=1)
os.replace(tmp, VERDICTS_FILE)
print(f"{len(VERDICTS)} claims evaluated, verdicts in {VERDICTS_FILE}")
if xfails:
    print(f"{len(xfails)} known failing claim(s) (known_failing.txt), failing as listed:", *xfails, sep="\n  ")
check(not LIST_ERRORS, "known_failing.txt: " + "; ".join(LIST_ERRORS))
if BY_CTEST:
    # Under ctest each listed claim has its own test, known_failing.<slug>, which fails on
    # these two; this test passes so that they run.
    for n in xpasses:
        print(f"XPASS (ctest known_failing.{known_failing.slug(n)} fails): {n}")
    for n in unevaluated:
        print(f"NOT EVALUATED (ctest known_failing.{known_failing.slug(n)} fails): {n}")
else:
    check(not xpasses, "claims in known_failing.txt that now hold (remove them from the list): "
          + "; ".join(xpasses))
    check(not unevaluated, "claims in known_failing.txt that this test never evaluated (typo?): "
          + "; ".join(unevaluated))
# The runs take about 85 MB: kept for a look when the test fails (or KOCHMON_KEEP_RUNS=1).
if FAILURES or os.environ.get("KOCHMON_KEEP_RUNS") == "1":
    print(f"runs kept in {d}")
else:
    for entry in os.listdir(d):
        path = os.path.join(d, entry)
        if os.path.abspath(path) != os.path.abspath(VERDICTS_FILE):
            shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
    if not os.listdir(d):
        os.rmdir(d)
print(f"run time {time.monotonic() - T0:.0f} s")
sys.stdout.flush()
finish()
