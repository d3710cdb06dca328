"""tools/validate/fit_interoblast.py fits the regional constants of internal migration.

From the calibrated base with every region's internal_exit and attractiveness set to 0, three
half-step iterations (scale 0.05, two seeds, 2010-2015) must bring the mean |sim/obs - 1| of
the 2013-2015 inter-oblast departures and arrivals to at most half its starting value
(measured: 0.555 at the start, 0.271 after two iterations; the seed noise of that mean at this
scale is about 0.03: 110-600 household moves per region and total), and print the nine
regions' constants. About 5 s.
"""

import os
import re
import subprocess
import sys

from kochmon_testlib import BIN, SOURCE, check, finish, workdir

REGIONS = ["batken", "jalal_abad", "issyk_kul", "naryn", "osh_oblast", "talas", "chui",
           "bishkek", "osh_city"]

work = workdir("fit_interoblast")
scenario = os.path.join(work, "zeroed.yaml")
with open(scenario, "w") as f:
    f.write("name: kyrgyzstan_fit_test\n")
    f.write(f"base: {os.path.join(SOURCE, 'scenarios', 'kyrgyzstan', 'base.yaml')}\n")
    f.write("regions:\n")
    for r in REGIONS:
        f.write(f"  - {{id: {r}, internal_exit: 0, attractiveness: 0}}\n")

env = dict(os.environ, KOCHMON_SOURCE_DIR=SOURCE)
r = subprocess.run([sys.executable, os.path.join(SOURCE, "tools", "validate", "fit_interoblast.py"),
                    "--scenario", scenario, "--scale", "0.05", "--end", "2015-12",
                    "--seeds", "101", "202", "--iterations", "3", "--bin", BIN,
                    "--work", os.path.join(work, "runs")],
                   capture_output=True, text=True, timeout=300, env=env, cwd=work)
print(r.stdout)
check(r.returncode == 0, f"fit_interoblast.py exit {r.returncode}: {r.stderr[-2000:]}")
means = [float(m) for m in re.findall(r"^iteration \d+: mean \|sim/obs - 1\| over departures and "
                                      r"arrivals ([0-9.]+)$", r.stdout, re.M)]
check(len(means) == 4, f"expected 4 iterations reported, got {means}")
if len(means) == 4:
    check(means[-1] <= 0.5 * means[0], f"mean |sim/obs - 1| {means[0]} -> {means[-1]}: not halved")
printed = re.findall(r"^  - id: (\w+)\n    internal_exit: (-?[0-9.]+)\n    attractiveness: (-?[0-9.]+)$",
                     r.stdout, re.M)
check([p[0] for p in printed] == REGIONS, f"the YAML printed names {[p[0] for p in printed]}")
finish()
