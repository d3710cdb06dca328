#!/usr/bin/python3
"""tools/analysis/examples/kochmon_api.ipynb is a valid notebook (runs always: no module, no
Jupyter needed): nbformat 4 JSON with the fields Jupyter requires, stored without outputs, a
handful of code cells that compile as plain Python (no IPython magics, so
python.test_notebook_exec can also run them without a kernel) and that load, run, plot and
compare. Validated against the nbformat schema too when python3-nbformat is installed.
"""

import json
import os

from kochmon_testlib import ANALYSIS, check, finish

NOTEBOOK = os.path.join(ANALYSIS, "examples", "kochmon_api.ipynb")

with open(NOTEBOOK, encoding="utf-8") as f:
    nb = json.load(f)  # a JSONDecodeError fails the test with the position
check(nb.get("nbformat") == 4, f"nbformat 4 (found {nb.get('nbformat')!r})")
check(isinstance(nb.get("nbformat_minor"), int), "nbformat_minor is an int")
kernel = nb.get("metadata", {}).get("kernelspec", {})
check(kernel.get("name") == "python3" and kernel.get("language") == "python",
      f"a python3 kernelspec (found {kernel})")
cells = nb.get("cells")
check(isinstance(cells, list) and cells, "a non-empty list of cells")
ids = set()
sources = []
for i, cell in enumerate(cells or []):
    where = f"cell {i + 1}"
    kind = cell.get("cell_type")
    check(kind in ("code", "markdown", "raw"), f"{where}: cell_type {kind!r}")
    check(isinstance(cell.get("metadata"), dict), f"{where}: metadata is an object")
    src = cell.get("source")
    check(isinstance(src, str) or (isinstance(src, list) and all(isinstance(s, str) for s in src)),
          f"{where}: source is a string or a list of strings")
    text = src if isinstance(src, str) else "".join(src or [])
    if nb.get("nbformat_minor", 0) >= 5:  # cell ids came with nbformat 4.5
        cid = cell.get("id")
        check(isinstance(cid, str) and cid and cid not in ids, f"{where}: a unique id")
        ids.add(cid)
    if kind == "code":
        check(cell.get("outputs") == [] and cell.get("execution_count") is None,
              f"{where}: stored without outputs (clear them before committing)")
        check(not any(line.lstrip().startswith(("%", "!")) for line in text.splitlines()),
              f"{where}: no IPython magics or shell escapes")
        try:
            compile(text, f"{NOTEBOOK}:{where}", "exec")
        except SyntaxError as e:
            check(False, f"{where}: {e}")
        sources.append(text)
    else:
        check("outputs" not in cell, f"{where}: a {kind} cell has no outputs")
check(4 <= len(sources) <= 12, f"a handful of code cells (found {len(sources)})")
code = "\n".join(sources)
for what, needle in (("loads a scenario", "kochmon.Scenario.load("), ("runs it", "kochmon.run("),
                     ("takes a series", ".series("), ("plots", ".plot"),
                     ("compares paired seeds", "seeds")):
    check(needle in code, f"the notebook {what} ({needle!r})")
try:
    import nbformat
except ImportError:
    print("python3-nbformat is not installed: the schema was not checked (the fields were)")
else:
    try:
        nbformat.validate(nbformat.reads(json.dumps(nb), as_version=4))
        print("nbformat", nbformat.__version__, "validates it")
    except nbformat.ValidationError as e:
        check(False, f"nbformat schema: {e}")
finish()
