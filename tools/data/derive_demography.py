#!/usr/bin/env python3
"""Demographic inputs for the Kyrgyz scenario: writes scenarios/kyrgyzstan/data/demography.csv.

Run from the repository root:  /usr/bin/python3 tools/data/derive_demography.py
The script is deterministic (closed formulas and bracketing root finders, fixed output
formatting); a re-run rewrites the file byte for byte. It prints a check table and a summary.

Inputs: scenarios/kyrgyzstan/data/regions.csv (T2.1: population on 1 Jan 2017 and the 2016
natural and migration increase, % of the start-of-year population) and facts.csv (2017 age
groups and median age). The seed has no mortality, fertility or age-band data; those parts
are documented assumptions and are flagged `assumption` in the `note` column.

Definitions (as used by the simulator)
- 17 five-year age bands b00..b16 = 0-4, 5-9, ..., 75-79, 80+; band = min(age // 5, 16).
- Working age: 16 up to, not including, 63 (men) and 58 (women), the Kyrgyz statutory
  retirement ages (facts.csv retirement_age_kg_kz_*). Children: age < 16. Above working age:
  63+ men, 58+ women.
- Fertility bands b03..b09 (mother aged 15-19 ... 45-49).

1. Regional 1 Jan 2010 population (`population_2010_jan1`, persons). Back-projection of the
   1 Jan 2017 population with the region's total 2016 increase held constant over the seven
   years 2010-2016: P2010 = P2017 / (1 + (ni + mi) / 100)^7, ni and mi the natural and
   migration increase in % per year (T2.1, 2016). Rounded to whole persons. Assumption: the
   2016 rates are representative of 2010-2016. The seed cannot check this; net emigration
   was probably larger around 2010-2013, so the 2016 growth (2.0% nationally) likely
   overstates the 2010-2016 average and P2010 is likely somewhat low: the national sum is
   5.348 million against about 5.42 million in the official 1 Jan 2010 estimate (recollection
   of NSC figures, not from the seed).

2. Mortality (`death_rate_{men,women}_bNN`, deaths per 1000 persons per year). Assumption,
   not from the seed. Single-year ages 0..119 plus an open interval 120+, a constant hazard
   m(x) within each year of age:
   - age 0: m = -ln(1 - q0), infant mortality q0 = 22 (men) / 18 (women) per 1000 live
     births, i.e. about 20 per 1000 both sexes;
   - ages 1-4: m = 1.1 (men) / 0.9 (women) per 1000, so the 0-4 band averages about 5 per
     1000 (about 5.5 men, 4.5 women);
   - ages >= 5: Gompertz-Makeham m(x) = A + B exp(c x), x in years. Gompertz slope
     c = 0.085 (men) / 0.095 (women) per year (ordinary values for middle-income
     populations; women's slope steeper, level lower). A and B are solved together so that
     (i) the 5-9 band rate is 0.55 (men) / 0.45 (women) per 1000, about 0.5 both sexes, and
     (ii) period life expectancy at birth is 67.0 years (men) and 75.0 years (women), about
     the Kyrgyz values of 2010-2017 published by the National Statistical Committee, quoted
     from memory, not from the seed. (A three-parameter curve has no accident hump and no
     dip at 10-14: rates at 10-29 rise smoothly; men's adult mortality 45q15 comes out near
     0.23, women's near 0.11.)
   Life table: l(x+1) = l(x) exp(-m(x)), person-years L(x) = l(x) (1 - exp(-m(x))) / m(x)
   (L = l / m for the open interval), e0 = sum L / l(0). Band rate = deaths / person-years
   of the life table (stationary population) within the band; for 80+ this is the mean
   rate of the stationary population above 80, l(80) / T(80) = 1 / e(80).

3. Age structure on 1 Jan 2010 (`age_share_bNN`, fraction of persons, both sexes). Two
   steps, both at single-year resolution by sex.
   (a) Shape: a stable population. Persons aged x (single years) of sex s are proportional
   to 0.5 exp(-r (x + 0.5)) L_s(x), i.e. equal numbers of boys and girls at birth and the
   sex-specific survivorship of (2); the sex ratio at each age is the stable model's (not
   50/50). The growth rate r is the one value for which the share aged < 16 equals the 2017
   share of children printed in facts.csv (children_2017, 33.61%): r = 1.635% a year. On its
   own this structure is too old: working age 55.28% (fact 59.11%), above working age 11.11%
   (7.31%), and a crude death rate of 8.12 per 1000.
   (b) Raking to the 2017 group shares. The three groups children (< 16), working age (16-62
   men, 16-57 women) and above working age (63+ men, 58+ women) are given the shares printed
   in facts.csv (children_2017 33.61%, working_age_2017 59.11%, above_working_age_2017
   7.31%), normalised by their sum (100.03) to 33.5999 / 59.0923 / 7.3078%. Every single
   year x sex is multiplied by its group's factor (target share / stable share: 0.99970,
   1.06887, 0.65805), so the shape within each group, across ages and between the sexes, is
   the stable one and the group totals match exactly. The factor is sex-specific at the
   retirement boundary (women 58-62 take the above-working-age factor, men 58-62 the
   working-age one); the bands straddling a boundary (15-19 around 16, 55-59 around the
   women's 58, 60-64 around the men's 63) are sums of the scaled single years, not scaled as
   a whole. The 2017 group shares stand in for 1 Jan 2010: the seed has no 2010 age
   structure. The raking leaves steps at ages 16, 58 and 63 in the single-year counts, which
   are smoothed only by the five-year bands. The real population is not stable (the
   fertility fall of the 1990s and the rise after 2005 leave dents and bulges), so the bands
   are still smooth approximations within each group. Shares are rounded to 5 decimals; the
   rounding residual is put on the largest band so that they sum to exactly 1.
   Check (as printed, raked vs fact): median age 25.07 vs 27.51 (men 24.62 vs 26.51, women
   25.52 vs 28.41), mean age 28.39 vs 27.51 (facts.csv says "average/median"). Raking lowers
   the model's median (25.74 before) and mean (29.73 before): fewer old persons pull the
   median, which lies within the working ages, downwards. Nothing is tuned to the age.

4. Crude death rate (`death_rate_per_1000_est`, per 1000 persons per year): deaths per
   person in the raked structure of (3) under the sex-specific mortality of (2), computed
   from single years of age and sex: 6.42 per 1000 (8.12 for the unraked stable population).
   It is a result, not a target. The same national value is used for every region (the seed
   has no regional mortality or age structure); regional differences in age structure are
   ignored. It is somewhat above the registered Kyrgyz crude death rate of the 2010s (about
   5.5-6 per 1000, from memory). Printed sensitivities: 6.84 if the sexes are split 50/50
   at every age instead (stable both-sexes shape, raked alike), because that puts more men,
   with their higher rates, at old ages where the stable model has more women; band rates
   applied to the raked band shares give 6.47 with the model's men/women split of each band
   and 6.72 if each band is split 50/50 by sex.

5. Crude birth rate (`birth_rate_per_1000`, births per 1000 persons per year) by region =
   natural increase per 1000 (10 x ni, T2.1 2016) + the crude death rate of (4), rounded as
   written. National figure printed: weighted by the 2010 populations of (1) (27.16 per
   1000; registered births were near 27 per 1000 in the 2010s, from memory).

6. Fertility schedule (`fertility_share_bNN`, fraction of births by mother's age band,
   sums to 1). Assumption: a typical Central Asian schedule with early, concentrated
   childbearing peaking at 20-29 (0.05, 0.32, 0.31, 0.19, 0.09, 0.03, 0.01). It is of the
   shape of the Kyrgyz age-specific fertility rates of the 2010s as remembered (highest at
   20-24 and 25-29, a total fertility rate of about 3, few teenage and few births after 40),
   not from the seed. These are shares of births, not age-specific rates.
"""
import csv
import io
import math
import pathlib
import re
import sys

import numpy as np
from scipy.optimize import brentq

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "scenarios/kyrgyzstan/data"
REGIONS = DATA / "regions.csv"
FACTS = DATA / "facts.csv"
OUT = DATA / "demography.csv"
NATION = "kyrgyzstan"

N_BANDS = 17                      # b00..b16, 80+ open
MAX_AGE = 120                     # single years 0..119, open interval 120+
AGES = np.arange(MAX_AGE + 1)     # index MAX_AGE is the open interval
CHILD_AGE = 16                    # children: age < 16
RETIRE = {"men": 63, "women": 58}  # working age: 16 <= age < RETIRE
YEARS_BACK = 7                    # 1 Jan 2017 -> 1 Jan 2010
GROUPS = ("children_2017", "working_age_2017", "above_working_age_2017")  # facts.csv ids

# Mortality assumptions (see the docstring, item 2); rates per person-year.
MORTALITY = {
    "men":   {"q0": 0.022, "m1_4": 0.0011, "m5_9": 0.00055, "c": 0.085, "e0": 67.0},
    "women": {"q0": 0.018, "m1_4": 0.0009, "m5_9": 0.00045, "c": 0.095, "e0": 75.0},
}
FERTILITY = {3: 0.05, 4: 0.32, 5: 0.31, 6: 0.19, 7: 0.09, 8: 0.03, 9: 0.01}

SRC_MODEL = "model: tools/data/derive_demography.py"
NOTE_MORT = ("assumption: Gompertz-Makeham m(x) = A + B exp(c x) for ages >= 5 plus explicit "
             "child rates (infant mortality 22 men / 18 women per 1000); A set for a 5-9 rate of "
             "0.55 men / 0.45 women per 1000, B for period life "
             "expectancy at birth 67 men / 75 women, Kyrgyz NSC values around 2010-2017 cited "
             "from memory, not from the seed; band rate = life-table deaths / person-years; "
             "80+ = 1 / e(80)")
NOTE_AGE = ("derived: stable population exp(-r a) l(a) by single year and sex (equal births "
            "of each sex, survivorship of death_rate_*; r set so the share aged < 16 is "
            "children_2017), raked: each single year x sex scaled by its group's factor so "
            "children < 16 / working age (16-62 men, 16-57 women) / above equal facts.csv "
            "children_2017 / working_age_2017 / above_working_age_2017 (33.61 / 59.11 / "
            "7.31%, normalised to sum 1; 2017 shares stand in for 2010); rounding residual on "
            "the largest band")
NOTE_CDR = ("assumption: crude death rate of the raked age structure (age_share_*, single "
            "years and sexes) under death_rate_men/women_* of kyrgyzstan; same national value "
            "for every region")
NOTE_CBR = "derived: 10 x natural_increase_pct (T2.1, 2016) + death_rate_per_1000_est"
NOTE_P2010 = ("derived: population_2017_thousands x 1000 / (1 + (natural_increase_pct + "
              "migration_increase_pct) / 100)^7; 2016 rates held constant over 2010-2016")
NOTE_FERT = ("assumption: typical Central Asian schedule of births by mother's age, peak at "
             "20-29; not from the seed")


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def printed_pct(fact):
    """The percentage printed in parentheses in a fact's `meaning`, e.g. '(33.61%)'."""
    m = re.search(r"\(([0-9.]+)%\)", fact["meaning"])
    assert m, fact["id"]
    return float(m.group(1))


def mortality(p, A, B):
    """Single-year hazards m(x), x = 0..MAX_AGE (the last one for the open interval)."""
    m = A + B * np.exp(p["c"] * AGES.astype(float))
    m[0] = -math.log(1.0 - p["q0"])
    m[1:5] = p["m1_4"]
    return m


def life_table(m):
    """l(x) for x = 0..MAX_AGE and person-years L(x), L(MAX_AGE) = open interval."""
    l = np.concatenate([[1.0], np.exp(-np.cumsum(m[:-1]))])
    L = l * (1.0 - np.exp(-m)) / m
    L[-1] = l[-1] / m[-1]
    return l, L


def solve_B(p, A):
    """B for which e0 = p['e0'], given the Makeham term A."""
    def gap(B):
        return life_table(mortality(p, A, B))[1].sum() - p["e0"]
    return brentq(gap, 1e-7, 1e-2, xtol=1e-15, rtol=1e-13, maxiter=200)


def fit_schedule(p):
    """Solve A and B so that the 5-9 band rate is p['m5_9'] and e0 = p['e0']."""
    def gap(A):
        m = mortality(p, A, solve_B(p, A))
        return band_rates(*life_table(m))[1] - p["m5_9"]
    A = brentq(gap, 0.0, p["m5_9"], xtol=1e-15, rtol=1e-13, maxiter=200)
    B = solve_B(p, A)
    m = mortality(p, A, B)
    l, L = life_table(m)
    return A, B, m, l, L


def band_of(ages):
    return np.minimum(ages // 5, N_BANDS - 1)


def band_rates(l, L):
    """Deaths / person-years of the life table by band (per person-year)."""
    d = l - np.concatenate([l[1:], [0.0]])   # the open interval's deaths are l(MAX_AGE)
    bands = band_of(AGES)
    return np.array([d[bands == b].sum() / L[bands == b].sum() for b in range(N_BANDS)])


def stable(r, Lm, Lf):
    """Persons by single year of age and sex, normalised to a total of 1."""
    w = np.exp(-r * (AGES + 0.5))
    men, women = 0.5 * w * Lm, 0.5 * w * Lf
    tot = men.sum() + women.sum()
    return men / tot, women / tot


def group_index(sex):
    """Group of each single year of age for one sex: 0 children, 1 working age, 2 above."""
    return np.where(AGES < CHILD_AGE, 0, np.where(AGES < RETIRE[sex], 1, 2))


def group_shares(men, women):
    gm, gf = group_index("men"), group_index("women")
    return np.array([men[gm == g].sum() + women[gf == g].sum() for g in range(3)])


def rake(men, women, target):
    """Scale every single year x sex by its group's factor so the groups total `target`.

    The shape within each group (across ages and between the sexes) is kept; at the
    retirement boundary the factor is sex-specific (women 58-62 are above working age, men
    58-62 are of working age)."""
    f = np.asarray(target) / group_shares(men, women)
    return men * f[group_index("men")], women * f[group_index("women")], f


def median_age(c):
    cum = np.cumsum(c)
    x = int(np.searchsorted(cum, 0.5))
    before = cum[x - 1] if x > 0 else 0.0
    return x + (0.5 - before) / c[x]


def round_shares(shares, digits=5):
    """Round to `digits` decimals; the residual goes to the largest share (sum exactly 1)."""
    scale = 10 ** digits
    units = [int(round(s * scale)) for s in shares]
    units[int(np.argmax(shares))] += scale - sum(units)
    return [u / scale for u in units]


def main():
    regions = read_csv(REGIONS)
    facts = {f["id"]: f for f in read_csv(FACTS)}

    # 2. mortality
    sched = {}
    for sex, p in MORTALITY.items():
        A, B, m, l, L = fit_schedule(p)
        sched[sex] = {"A": A, "B": B, "m": m, "l": l, "L": L, "e0": L.sum(),
                      "band": band_rates(l, L) * 1000.0}

    # 3. stable population with r fitted to the 2017 child share, then raked to the three
    #    2017 group shares
    child_target = printed_pct(facts["children_2017"]) / 100.0
    Lm, Lf = sched["men"]["L"], sched["women"]["L"]

    def child_gap(r):
        men, women = stable(r, Lm, Lf)
        return men[:CHILD_AGE].sum() + women[:CHILD_AGE].sum() - child_target
    r = brentq(child_gap, -0.05, 0.10, xtol=1e-14, rtol=1e-13, maxiter=200)
    men_st, women_st = stable(r, Lm, Lf)
    group_pct = np.array([printed_pct(facts[g]) for g in GROUPS])
    target = group_pct / group_pct.sum()
    men, women, factor = rake(men_st, women_st, target)
    assert np.allclose(group_shares(men, women), target, rtol=0, atol=1e-13)
    both = men + women
    bands = band_of(AGES)
    band_share = np.array([both[bands == b].sum() for b in range(N_BANDS)])
    shares = round_shares(band_share)
    assert abs(sum(shares) - 1.0) < 1e-12 and round(sum(shares), 5) == 1.0

    # 4. crude death rate: exact (single years, sex-specific mortality) and band-level checks
    def crude_death_rate(mn, wn):
        return 1000.0 * float((mn * sched["men"]["m"]).sum() + (wn * sched["women"]["m"]).sum())
    cdr = crude_death_rate(men, women)
    cdr_stable = crude_death_rate(men_st, women_st)
    # sensitivity: sexes 50/50 at every age (stable both-sexes shape), raked the same way
    half = 0.5 * (men_st + women_st)
    men_h, women_h, _ = rake(half, half, target)
    cdr_5050 = crude_death_rate(men_h, women_h)
    cdr_bands = float(sum(band_share[b] * 0.5 * (sched["men"]["band"][b] + sched["women"]["band"][b])
                          for b in range(N_BANDS)))
    men_b = np.array([men[bands == b].sum() for b in range(N_BANDS)])
    women_b = np.array([women[bands == b].sum() for b in range(N_BANDS)])
    cdr_bands_mix = float((men_b * sched["men"]["band"] + women_b * sched["women"]["band"]).sum())
    cbr_stable = 1000.0 / float((np.exp(-r * (AGES + 0.5)) * 0.5 * (Lm + Lf)).sum())
    cdr_out = round(cdr, 2)

    # check table against the 2017 facts
    def summary(mn, wn):
        bt = mn + wn
        g = group_shares(mn, wn)
        return [100 * g[0], 100 * g[1], 100 * g[2], median_age(bt),
                median_age(mn / mn.sum()), median_age(wn / wn.sum()),
                float((bt * (AGES + 0.5)).sum()), crude_death_rate(mn, wn)]
    age_fact = float(facts["median_age_2017"]["value"])
    names = ["children < 16, %", "working age, %", "above working age, %",
             "median age, both sexes", "median age, men", "median age, women",
             "mean age, both sexes", "crude death rate, per 1000"]
    fact_vals = list(group_pct) + [age_fact, 26.51, 28.41, age_fact, None]
    print("Age structure vs 2017 facts (facts.csv); 'stable' = before raking, 'raked' = written")
    print(f"  {'quantity':<28}{'stable':>10}{'raked':>10}{'2017 fact':>12}")
    for name, st, rk, fact in zip(names, summary(men_st, women_st), summary(men, women), fact_vals):
        fs = f"{fact:>12.2f}" if fact is not None else f"{'-':>12}"
        print(f"  {name:<28}{st:>10.2f}{rk:>10.2f}{fs}")
    print(f"  (group targets = the printed 2017 percentages normalised by their sum "
          f"{group_pct.sum():.2f}: {100 * target[0]:.4f} / {100 * target[1]:.4f} / "
          f"{100 * target[2]:.4f}%)")
    print(f"  (raking factors: children {factor[0]:.5f}, working age {factor[1]:.5f}, "
          f"above working age {factor[2]:.5f})")
    print("  (facts.csv says 'average/median age'; both the model's median and mean are shown)")
    print(f"  (sensitivity, sexes 50/50 at every age, raked alike: crude death rate {cdr_5050:.3f} "
          f"per 1000)")
    print()

    # 1., 5. regions
    out = []
    p2010_sum, births_w = 0, 0.0
    for reg in regions:
        ni, mi = float(reg["natural_increase_pct"]), float(reg["migration_increase_pct"])
        p2017 = float(reg["population_2017_thousands"]) * 1000.0
        p2010 = int(round(p2017 / (1.0 + (ni + mi) / 100.0) ** YEARS_BACK))
        cbr = round(10.0 * ni + cdr_out, 2)
        p2010_sum += p2010
        births_w += cbr * p2010
        out += [
            (reg["id"], "population_2010_jan1", str(p2010), "persons",
             "T2.1 (regions.csv)", NOTE_P2010),
            (reg["id"], "birth_rate_per_1000", f"{cbr:.2f}", "per_1000_persons_year",
             "T2.1 (regions.csv); " + SRC_MODEL, NOTE_CBR),
            (reg["id"], "death_rate_per_1000_est", f"{cdr_out:.2f}", "per_1000_persons_year",
             SRC_MODEL, NOTE_CDR),
        ]
    cbr_nat = births_w / p2010_sum

    # 2., 3., 6. national rows
    for b in range(N_BANDS):
        out.append((NATION, f"age_share_b{b:02d}", f"{shares[b]:.5f}", "fraction",
                    SRC_MODEL + "; facts.csv children_2017, working_age_2017, "
                    "above_working_age_2017", NOTE_AGE))
    for sex in ("men", "women"):
        for b in range(N_BANDS):
            out.append((NATION, f"death_rate_{sex}_b{b:02d}", f"{sched[sex]['band'][b]:.3f}",
                        "per_1000_persons_year", SRC_MODEL, NOTE_MORT))
    assert abs(sum(FERTILITY.values()) - 1.0) < 1e-12
    for b, s in FERTILITY.items():
        out.append((NATION, f"fertility_share_b{b:02d}", f"{s:.2f}", "fraction",
                    SRC_MODEL, NOTE_FERT))

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "variable", "value", "unit", "source", "note"])
    w.writerows(out)
    OUT.write_text(buf.getvalue(), encoding="utf-8")

    print("Mortality schedules")
    for sex in ("men", "women"):
        s = sched[sex]
        l = s["l"]
        print(f"  {sex:<6} A = {s['A']:.4e}  B = {s['B']:.4e}  c = {MORTALITY[sex]['c']}  e0 = {s['e0']:.2f}  e(80) = {s['L'][80:].sum() / l[80]:.2f}"
              f"  45q15 = {1 - l[60] / l[15]:.3f}  band 0-4 = {s['band'][0]:.2f}"
              f"  5-9 = {s['band'][1]:.2f}  80+ = {s['band'][16]:.1f} per 1000")
    print()
    print("Summary")
    print(f"  national 1 Jan 2010 population (sum of regions): {p2010_sum} persons")
    print(f"  crude death rate (raked structure, single years): {cdr:.3f} per 1000 (written "
          f"{cdr_out:.2f}); unraked stable population {cdr_stable:.3f}")
    print(f"    band-level check: band rates x the raked men/women band shares {cdr_bands_mix:.3f}; "
          f"x both-sexes band shares split 50/50 in each band {cdr_bands:.3f}")
    print(f"  national birth rate (weighted by 2010 population): {cbr_nat:.2f} per 1000")
    print(f"  life expectancy at birth: men {sched['men']['e0']:.2f}, women {sched['women']['e0']:.2f}")
    print(f"  stable growth rate r: {r:.5f} per year ({100 * r:.2f}%); stable model's own birth "
          f"rate {cbr_stable:.2f} per 1000, birth - death {cbr_stable - cdr_stable:.2f} per 1000 "
          f"(before raking)")
    print(f"  wrote {OUT.relative_to(ROOT)} ({len(out)} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
