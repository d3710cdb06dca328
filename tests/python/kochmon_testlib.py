"""Shared set-up of the Python tests (tests/python/test_*.py; one ctest each).

Environment (tests/CMakeLists.txt): KOCHMON_BIN, the kochmon binary; KOCHMON_SOURCE_DIR.
Runs are made with the tiny example (well under a second each) and a few years of the
Kyrgyzstan base scenario at a very small scale (the nine regions of the tile map).
"""

import io
import os
import shutil
import subprocess
import sys
import tempfile

SOURCE = os.environ.get("KOCHMON_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("KOCHMON_BIN") or os.path.join(SOURCE, "build", "release", "tools", "kochmon")
ANALYSIS = os.path.join(SOURCE, "tools", "analysis")
sys.path.insert(0, ANALYSIS)

FAILURES = []


def check(cond, message):
    if not cond:
        FAILURES.append(message)
        print("FAIL:", message, file=sys.stderr)
    return cond


def finish():
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed", file=sys.stderr)
        sys.exit(1)
    print("ok")
    sys.exit(0)


def kochmon(*args, check_code=0):
    r = subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, timeout=120)
    if check_code is not None and r.returncode != check_code:
        raise AssertionError(f"kochmon {' '.join(map(str, args))}: exit {r.returncode}, "
                             f"expected {check_code}\n{r.stdout}\n{r.stderr}")
    return r


def workdir(name):
    d = tempfile.mkdtemp(prefix=f"kochmon-{name}-")
    return d


def tiny_run(directory, seed, *sets, name=None):
    out = os.path.join(directory, name or f"tiny-{seed}.h5")
    args = ["run", os.path.join(SOURCE, "scenarios/examples/tiny.yaml"), "-q", "--seed", seed,
            "-o", out, "--threads", 1]
    for s in sets:
        args += ["--set", s]
    kochmon(*args)
    return out


def base_run(directory, seed=1):
    out = os.path.join(directory, f"base-{seed}.h5")
    kochmon("run", os.path.join(SOURCE, "scenarios/kyrgyzstan/base.yaml"), "-q", "--seed", seed,
            "--set", "scale=0.002", "--set", "time.end=2013-12", "-o", out, "--threads", 1)
    return out


def make_sweep(directory, runs=()):
    """A hand-made sweep directory: summary.csv, sensitivity.csv, runs/*.h5 (copies of runs)."""
    os.makedirs(directory, exist_ok=True)
    if runs:
        os.makedirs(os.path.join(directory, "runs"), exist_ok=True)
    rows = ["point_id,replicate,seed,decision.monthly_rate,abroad.remit_share,stock_2012,"
            "remittances_2012,run_id,status"]
    for i, path in enumerate(runs):  # noqa: B007
        shutil.copy(path, os.path.join(directory, "runs", f"p{i // 2}-r{i % 2}.h5"))
    for p in range(4):
        for r in range(3):
            rate, share = 0.02 + 0.02 * p, 0.3 + 0.05 * ((p + r) % 3)
            rows.append(f"{p},{r},{100 + r},{rate},{share},{1000 * rate * (1 + 0.1 * r):.3f},"
                        f"{5e5 * share:.1f},id{p}{r},ok")
    rows.append("4,0,100,0.5,0.4,,,,failed")
    with open(os.path.join(directory, "summary.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    with open(os.path.join(directory, "sensitivity.csv"), "w") as f:
        f.write("metric,parameter,S1,S1_lo,S1_hi,ST,ST_lo,ST_hi\n"
                "stock_2012,decision.monthly_rate,0.7,0.6,0.8,0.8,0.7,0.9\n"
                "stock_2012,abroad.remit_share,0.05,-0.02,0.1,0.1,0.05,0.15\n"
                "remittances_2012,decision.monthly_rate,0.1,0.0,0.2,0.2,0.1,0.3\n"
                "remittances_2012,abroad.remit_share,0.8,0.7,0.9,0.85,0.8,0.9\n")
    return directory


def png_is_not_blank(data_or_path, min_std=0.02, min_ink=0.01):
    """True if the PNG decodes and is not a flat image: pixel standard deviation and the
    share of non-white pixels above thresholds."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.image as mpimg
    import numpy as np
    src = io.BytesIO(data_or_path) if isinstance(data_or_path, bytes) else data_or_path
    img = mpimg.imread(src, format="png")
    rgb = img[..., :3] if img.ndim == 3 else img
    ink = float(np.mean(np.any(np.atleast_3d(rgb) < 0.9, axis=-1)))
    return float(np.std(rgb)) > min_std and ink > min_ink, (float(np.std(rgb)), ink, img.shape)
