#!/usr/bin/python3
"""tools/analysis/RECIPES.md: every ```python block runs.

The blocks before the `<!-- python-api` marker (h5py, kochmon_read, pandas, xarray) run in
order in one interpreter against a small run (KOCHMON_RUN) and a hand-made sweep directory
(KOCHMON_SWEEP). The blocks after it (the Python API, `import kochmon`) run in order in a second
interpreter with PYTHONPATH at the module of the build under test: KOCHMON_PYTHON_DIR, or
<build>/tools/python next to KOCHMON_BIN (<build>/tools/kochmon), as python.test_python_api
finds it. A build without the module (sanitizer builds, pybind11-dev missing) or a machine
without python3-xarray runs what it can and then reports ctest "Skipped" (exit 77) with a
`kochmon-skip:` reason (tools/dev/skipped.sh), unless a check failed.
"""

import glob
import os
import sys
import re
import subprocess

from kochmon_testlib import (BIN, FAILURES, ANALYSIS, SOURCE, check, finish, make_sweep,
                             png_is_not_blank, tiny_run, workdir)

MARKER = "<!-- python-api"
MODULE_DIR = os.path.abspath(os.environ.get("KOCHMON_PYTHON_DIR")
                             or os.path.join(os.path.dirname(os.path.dirname(BIN)), "tools",
                                             "python"))


def run_blocks(blocks, label, script, env, cwd):
    """Writes the blocks into one script (a marker line before each) and runs it; returns
    whether it ran through."""
    with open(script, "w") as f:
        for i, b in enumerate(blocks):
            f.write(f"print('--- {label} block {i + 1}')\n{b}\n")
    r = subprocess.run(["/usr/bin/python3", script], capture_output=True, text=True, env=env,
                       timeout=120, cwd=cwd)
    print(r.stdout[-3000:])
    ok = check(r.returncode == 0, f"the {label} recipes failed (exit {r.returncode}):\n"
                                  f"{r.stderr[-3000:]}")
    check(r.stdout.count(f"--- {label} block") == len(blocks), f"every {label} block ran")
    return ok


d = workdir("recipes")
run = tiny_run(d, 1)
sweep = make_sweep(os.path.join(d, "sweep"), [run, tiny_run(d, 2)])
text = open(os.path.join(ANALYSIS, "RECIPES.md"), encoding="utf-8").read()
check(text.count(MARKER) == 1, f"one {MARKER!r} marker in RECIPES.md")
files_part, _, api_part = text.partition(MARKER)
blocks = re.findall(r"```python\n(.*?)```", files_part, re.S)
api_blocks = re.findall(r"```python\n(.*?)```", api_part, re.S)
check(len(blocks) >= 5, f"{len(blocks)} python blocks before the Python-API section")
check(len(api_blocks) >= 6, f"{len(api_blocks)} python blocks in the Python-API section")

env = dict(os.environ, KOCHMON_RUN=run, KOCHMON_SWEEP=sweep, KOCHMON_ANALYSIS_DIR=ANALYSIS,
           MPLBACKEND="Agg")
run_blocks(blocks, "recipe", os.path.join(d, "recipes.py"), env, d)

skipped = []
try:
    import xarray  # noqa: F401
    have_xarray = True
except ImportError:
    have_xarray = False
    # The xarray recipe printed a skip, so not every recipe was executed.
    skipped.append("python3-xarray is missing, so the xarray recipe and the Python-API "
                   "recipes were not executed")
if not glob.glob(os.path.join(MODULE_DIR, "kochmon", "_kochmon*.so")):
    skipped.append(f"the Python module is not built in {MODULE_DIR} (a sanitizer build, or "
                   f"pybind11-dev missing), so the Python-API recipes were not executed")
elif have_xarray:
    api_dir = os.path.join(d, "api")
    os.makedirs(api_dir)
    path = os.pathsep.join(p for p in (MODULE_DIR, os.environ.get("PYTHONPATH")) if p)
    api_env = dict(env, PYTHONPATH=path, KOCHMON_SOURCE_DIR=SOURCE)
    if run_blocks(api_blocks, "api recipe", os.path.join(d, "api_recipes.py"), api_env,
                  api_dir):
        png = os.path.join(api_dir, "stock_abroad.png")
        if check(os.path.exists(png), "the plotting recipe wrote stock_abroad.png"):
            good, stats = png_is_not_blank(png)
            check(good, f"stock_abroad.png is not blank (std, ink, shape: {stats})")
        check(os.path.exists(os.path.join(api_dir, "base-seed1.h5")), "save() wrote its file")
        check(os.path.exists(os.path.join(api_dir, "sweep-tiny", "summary.csv")),
              "the sweep recipe wrote summary.csv")
if skipped and not FAILURES:
    # ctest "Skipped" (exit 77), with the reason in the end-of-run list (tools/test.sh).
    for reason in skipped:
        print("kochmon-skip:", reason)
    sys.exit(77)
finish()
