#!/usr/bin/python3
"""Executes tools/analysis/examples/kochmon_api.ipynb with the module of the build under test
(KOCHMON_PYTHON_DIR, or <build>/tools/python next to KOCHMON_BIN).

With Debian's python3-nbclient and python3-ipykernel installed, the notebook runs in a Jupyter
kernel (nbclient, as `jupyter nbconvert --execute` does): every cell must run without an error,
the scenario and the results must show as HTML tables and the plot as a PNG. Without them, the
code cells run in order as one plain /usr/bin/python3 script (so the code is still tested), and
the test then reports ctest "Skipped" (exit 77) with a `kochmon-skip:` reason
(tools/dev/skipped.sh). Also skipped, with a reason, when the module is not built (sanitizer
builds) or python3-xarray is missing. The notebook writes no files; it runs in a scratch folder.
"""

import glob
import json
import os
import subprocess
import sys

from kochmon_testlib import ANALYSIS, BIN, FAILURES, SOURCE, check, finish, workdir

NOTEBOOK = os.path.join(ANALYSIS, "examples", "kochmon_api.ipynb")
MODULE_DIR = os.path.abspath(os.environ.get("KOCHMON_PYTHON_DIR")
                             or os.path.join(os.path.dirname(os.path.dirname(BIN)), "tools",
                                             "python"))


def skip(reason):
    print("kochmon-skip:", reason)
    sys.exit(77)


if not glob.glob(os.path.join(MODULE_DIR, "kochmon", "_kochmon*.so")):
    skip(f"the Python module is not built in {MODULE_DIR} (a sanitizer build, or pybind11-dev "
         f"missing), so the example notebook was not executed")
try:
    import xarray  # noqa: F401
except ImportError:
    skip("python3-xarray is missing, so the example notebook was not executed")

d = workdir("notebook")
env = dict(os.environ, KOCHMON_SOURCE_DIR=SOURCE, PYTHONPATH=os.pathsep.join(
    p for p in (MODULE_DIR, os.environ.get("PYTHONPATH")) if p))
missing = []
try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
except ImportError:
    missing.append("python3-nbclient")
try:
    import ipykernel  # noqa: F401
except ImportError:
    missing.append("python3-ipykernel")

if not missing:
    os.environ.update(env)  # the kernel inherits this process's environment
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": d}})
    try:
        client.execute()
    except CellExecutionError as e:
        check(False, f"a cell failed:\n{str(e)[-3000:]}")
    else:
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
        html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
        check(any("kochmon scenario" in h for h in html), "the scenario shows as a table")
        check(any("kochmon results" in h for h in html), "the results show as a table")
        check(any("image/png" in o.get("data", {}) for o in outputs), "the plot shows")
        check(not any(o.get("output_type") == "error" for o in outputs), "no error output")
        print(f"executed {len(nb.cells)} cells with nbclient")
    finish()

# No Jupyter kernel: the code cells, in order, as one plain script.
with open(NOTEBOOK, encoding="utf-8") as f:
    cells = json.load(f)["cells"]
script = os.path.join(d, "notebook.py")
with open(script, "w") as f:
    for i, c in enumerate(cells):
        if c["cell_type"] == "code":
            src = c["source"] if isinstance(c["source"], str) else "".join(c["source"])
            f.write(f"print('--- cell {i + 1}')\n{src}\n")
n_code = sum(c["cell_type"] == "code" for c in cells)
r = subprocess.run(["/usr/bin/python3", script], capture_output=True, text=True, timeout=120,
                   cwd=d, env=dict(env, MPLBACKEND="Agg"))
print(r.stdout[-2000:])
check(r.returncode == 0, f"the notebook's code failed (exit {r.returncode}):\n{r.stderr[-3000:]}")
check(r.stdout.count("--- cell") == n_code, "every code cell ran")
if not FAILURES:
    skip(f"{' and '.join(missing)} not installed, so the example notebook's {n_code} code "
         f"cells ran as a plain script, not in a Jupyter kernel")
finish()
