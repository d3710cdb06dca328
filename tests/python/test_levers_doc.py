#!/usr/bin/python3
"""scenarios/kyrgyzstan/LEVERS.md is current and complete (issue #15).

- Current: its fingerprint is the one tools/analysis/levers.py computes now from itself, the
  Kyrgyz scenario files and data, and the golden /series digests of the Kyrgyz scenarios
  (tests/golden/series_sha256.txt, which change whenever the model's numbers do). A change of
  the model or of a scenario without `/usr/bin/python3 tools/analysis/levers.py` fails here.
- Complete: a row for every lever of the script's table, and every lever MODEL.md §7 lists has
  its row (by the key that carries it).
- Well-formed: every effect cell reads "<sign>: <mean> ± <se> <verdict>", the verdict the one
  the numbers give (the script's rule: 2 standard errors).
The signs that theory makes unambiguous are asserted on fresh runs by
python.test_scenarios_kyrgyzstan (its lever claims); this test does not run the model.
"""

import os
import re
import sys

from kochmon_testlib import ANALYSIS, SOURCE, check, finish

sys.path.insert(0, ANALYSIS)
import levers  # noqa: E402

PATH = os.path.join(SOURCE, "scenarios", "kyrgyzstan", "LEVERS.md")
# MODEL.md §7's levers, each with the key that carries it in the table.
MODEL_LEVERS = {
    "regime switches (EAEU accession date)": "destinations[].regimes",
    "patent fee": "regimes.pre_eaeu.permit_cost_som",
    "registration rules": "regimes.eaeu.legal_share",
    "entry-ban hazard": "destinations[].detection_monthly",
    "ban durations": "destinations[].ban_shares",
    "amnesties": "events[] (type: amnesty)",
    "fingerprinting": "destinations[].ban_enforcement",
    "exchange-rate paths": "currencies.per_usd.rub",
    "a Russian recession of N years and X%": "destinations[].wage_local",
    "remittance fees": "destinations[].remittance_fee",
    "domestic job creation by region": "regions[].unemployment",
    "return/reintegration grants": "abroad.return_grant_som",
    "pre-departure language and skills training": "abroad.training_share",
    "information campaigns (lower cost and illegality)": "destinations[].cost_som",
    "credit for migration costs": "decision.credit_som",
}
CELL = re.compile(r"^([+−0?]): ([+-]\d+\.\d\d) ± (\d+\.\d\d)( yes| n\.s\.| \*\*NO\*\*)?$")

text = open(PATH, encoding="utf-8").read()
m = re.search(r"fingerprint: ([0-9a-f]{16})", text)
check(m is not None, "LEVERS.md has no fingerprint line")
if m:
    now = levers.fingerprint()
    check(m.group(1) == now,
          f"LEVERS.md is stale (fingerprint {m.group(1)}, now {now}): the model or a scenario "
          "changed; run /usr/bin/python3 tools/analysis/levers.py")

rows = {}
for line in text.splitlines():
    if not line.startswith("| ") or line.startswith("| lever |"):
        continue
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    check(len(cells) == 11, f"a row of 11 cells: {line}")
    if len(cells) == 11:
        rows[cells[1].strip("`")] = cells
for name, key, *_ in levers.LEVERS:
    check(key in rows, f"no row for {name} ({key})")
for lever, key in MODEL_LEVERS.items():
    check(key in rows, f"MODEL.md §7 lever '{lever}' has no row (key {key})")
for key, cells in rows.items():
    for c in cells[3:8]:
        mm = CELL.match(c)
        check(mm is not None, f"{key}: effect cell '{c}' is not '<sign>: <mean> ± <se> <verdict>'")
        if not mm:
            continue
        sign, mean, se, verdict = mm.group(1), float(mm.group(2)), float(mm.group(3)), mm.group(4)
        if sign in "+−":
            s = 1 if sign == "+" else -1
            want = " yes" if s * mean > 2 * se else " n.s." if abs(mean) <= 2 * se else " **NO**"
            # the file's numbers are rounded to 0.01: allow a verdict at the rounding edge
            edge = abs(abs(mean) - 2 * se) <= 0.03
            check(verdict == want or edge, f"{key}: '{c}': verdict should be{want}")
        elif sign == "0":
            check(verdict in (" yes", " **NO**"), f"{key}: '{c}': a verdict for 'no effect'")
        else:
            check(verdict is None, f"{key}: '{c}': no verdict for an ambiguous sign")
print(f"LEVERS.md: {len(rows)} levers, fingerprint {m.group(1) if m else '?'}")
finish()
