#!/usr/bin/python3
"""kochmon plot: the expected PNGs, not blank, for one run, several scenarios, replicates, the
nine-region map and a sweep directory; bad input is exit 2."""

import os

from kochmon_testlib import (base_run, check, finish, kochmon, make_sweep, png_is_not_blank,
                             tiny_run, workdir)

RUN_PNGS = ["stock_by_destination.png", "stock_by_origin.png", "departures_returns.png",
            "remittances.png", "internal_migration.png", "bans_expulsions.png", "region_map.png"]


def expect_pngs(out, names, what):
    for name in names:
        path = os.path.join(out, name)
        if check(os.path.exists(path), f"{what}: {name} not written"):
            ok, stats = png_is_not_blank(path)
            check(ok, f"{what}: {name} looks blank {stats}")


d = workdir("plot")
# One run: a few years of the Kyrgyzstan base scenario (the nine-region tile map).
b = base_run(d)
r = kochmon("plot", b, "-o", os.path.join(d, "one"), "--metric", "stock")
expect_pngs(os.path.join(d, "one"), RUN_PNGS, "one run")
check(r.stdout.count(".png") == len(RUN_PNGS), f"one run: printed files\n{r.stdout}")

# Two scenarios with three replicates each (median and band), the internal-migration map.
reps = [tiny_run(d, s) for s in (1, 2, 3)]
variant = [tiny_run(d, s, "decision.monthly_rate=0.12", name=f"fast-{s}.h5") for s in (1, 2, 3)]
out = os.path.join(d, "compare")
kochmon("plot", *reps, *variant, "-o", out, "--metric", "net_internal")
expect_pngs(out, RUN_PNGS, "replicates")

# A sweep directory (summary and sensitivity only): metric against parameter, Sobol bars.
sweep = make_sweep(os.path.join(d, "sweep"))
out = os.path.join(d, "sweepfig")
kochmon("plot", sweep, "-o", out)
expect_pngs(out, ["sweep_decision.monthly_rate.png", "sweep_abroad.remit_share.png",
                  "sobol.png"], "sweep")
one = reps[0]

# Bad input.
r = kochmon("plot", os.path.join(d, "missing.h5"), "-o", os.path.join(d, "x"), check_code=2)
check("missing.h5" in r.stderr, f"missing file: {r.stderr}")
with open(os.path.join(d, "not.h5"), "w") as f:
    f.write("not hdf5")
kochmon("plot", os.path.join(d, "not.h5"), "-o", os.path.join(d, "x"), check_code=2)
r = kochmon("plot", one, "-o", os.path.join(d, "x"), "--metric", "no_such", check_code=2)
check("no_such" in r.stderr, f"bad metric: {r.stderr}")
finish()
