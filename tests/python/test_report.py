#!/usr/bin/python3
"""kochmon report: one self-contained HTML file with the expected headings, the scenario
changes against the base, embedded figures that decode and are not blank, the validation
table when a run has one, the sweep section and the provenance."""

import base64
import os
import re

import h5py
import numpy as np

from kochmon_testlib import (check, finish, kochmon, make_sweep, png_is_not_blank, tiny_run,
                             workdir)

d = workdir("report")
reps = [tiny_run(d, s) for s in (1, 2)]
variant = [tiny_run(d, s, "decision.monthly_rate=0.12", name=f"fast-{s}.h5") for s in (1, 2)]
# A hand-made /validation group on one run (the real one is written by the engine).
with h5py.File(variant[0], "a") as f:
    g = f.create_group("validation")
    g.attrs["n_targets"] = np.int32(2)
    g["target"] = np.array(["stock_2012", "remittance_share"], dtype=h5py.string_dtype())
    g["observed"] = np.array([120.0, 0.3])
    g["simulated"] = np.array([131.0, 0.25])
sweep = make_sweep(os.path.join(d, "sweep"), reps)

out = os.path.join(d, "report.html")
r = kochmon("report", *reps, *variant, sweep, "--base", reps[0], "-o", out)
check(os.path.exists(out), f"no report written\n{r.stdout}{r.stderr}")
page = open(out, encoding="utf-8").read()

for heading in ["Scenario summary", "What changed against base", "Key figures", "Validation",
                "Sweep", "Provenance"]:
    check(re.search(rf"<h[1-4][^>]*>{re.escape(heading)}</h[1-4]>", page), f"heading {heading}")
check(page.index(">Key figures<") < page.index(">Scenario summary<"), "the key figures lead")
check(re.search(r"<td>[0-9.,kM]+ \[[0-9.,kM]+, [0-9.,kM]+\]</td>", page),
      "replicates: key figures with a 90% band")
check("decision.monthly_rate" in page and "0.12" in page, "the scenario change is listed")
check("remittance_share" in page and "131" in page, "the validation table")
check("Sobol" in page, "sensitivity table / figure")
for p in reps + variant:
    run_id = h5py.File(p, "r")["meta"].attrs["run_id"].decode()
    check(run_id in page, f"run id {run_id} in provenance")
check(not re.search(r"""(src|href)=["']?(https?:|//)""", page), "no external resources")

images = re.findall(r"src='data:image/png;base64,([^']+)'", page)
check(len(images) >= 9, f"{len(images)} embedded images")
for i, data in enumerate(images):
    ok, stats = png_is_not_blank(base64.b64decode(data))
    check(ok, f"image {i} is blank {stats}")

# A single run, base-less; and bad input.
out1 = os.path.join(d, "one.html")
kochmon("report", reps[0], "-o", out1)
check("Same scenario as the base" in open(out1).read(), "single run: same as base")
kochmon("report", os.path.join(d, "nothing.h5"), "-o", out1, check_code=2)
finish()
