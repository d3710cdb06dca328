#!/usr/bin/python3
"""kochmon inspect: the key series table (first / peak / last; fractions averaged over regions,
not summed) and the validation summary, absent or present."""

import h5py
import numpy as np

from kochmon_testlib import check, finish, kochmon, tiny_run, workdir  # noqa: I001 (sets sys.path)
import kochmon_read as kr  # noqa: E402

d = workdir("inspect")
run = tiny_run(d, 1)
out = kochmon("inspect", run).stdout
check("key series" in out, "key series heading")
lines = {ln.split()[0]: ln.split() for ln in out.splitlines() if ln.strip()}
share = lines.get("share_households_abroad")
if check(share is not None, f"share_households_abroad row\n{out}"):
    check(share[1] == "mean", f"fraction series averaged: {share}")
    _, v, _ = kr.series_total(run, "share_households_abroad")
    check(abs(float(share[-2]) - v[-1]) < 1e-4 * max(1, abs(v[-1])), f"last {share} vs {v[-1]}")
    check(float(share[-2]) <= 1.0, "a share stays below 1")
stock = lines.get("stock")
if check(stock is not None, "stock row"):
    _, v, _ = kr.series_total(run, "stock")
    check(stock[1] == "sum" and abs(float(stock[-2]) - v[-1]) < 1e-6 * max(1, v[-1]),
          f"stock last {stock} vs {v[-1]}")
check("validation  none" in out, "no validation group reported")

with h5py.File(run, "a") as f:
    g = f.create_group("validation")
    g.attrs["source"] = np.bytes_("hand-made")
    g["target"] = np.array(["stock_2012", "remittance_share"], dtype=h5py.string_dtype())
    g["observed"] = np.array([120.0, 0.3])
    g["simulated"] = np.array([131.0, 0.25])
out = kochmon("inspect", run).stdout
check("remittance_share" in out and "131" in out and "hand-made" in out,
      f"validation table\n{out[-600:]}")
finish()
