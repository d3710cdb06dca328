#!/usr/bin/python3
"""The Python API against the CLI, side by side (issue #17: within 3% of the CLI's wall time).

    PYTHONPATH=build/release/tools/python /usr/bin/python3 tools/python/bench_api.py \\
        [--bin build/release/tools/kochmon] [--scale 1.0] [--threads 2] [--repeat 3]

Alternates `kochmon run` and kochmon.run() on the Kyrgyzstan base scenario (interleaved, so a
machine's drift hits both) and compares the engine's wall time (/meta@wall_seconds: the steps,
without world generation, loading or writing) and the whole call, by their medians. Also checks
that both gave the same /series. Not a test: run on demand, on a quiet machine.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
# This folder holds the package's sources without the compiled part: import the built one.
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != HERE]
sys.path.insert(0, os.path.join(SOURCE, "tools", "analysis"))

import kochmon  # noqa: E402
import kochmon_read as kr  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default=os.path.join(SOURCE, "build", "release", "tools", "kochmon"))
    ap.add_argument("--scenario", default=os.path.join(SOURCE, "scenarios", "kyrgyzstan",
                                                       "base.yaml"))
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    scn = kochmon.Scenario.load(args.scenario, set={"scale": args.scale})
    times = {"cli": [], "api": []}
    engine = {"cli": [], "api": []}
    with tempfile.TemporaryDirectory(prefix="kochmon-bench-") as d:
        for i in range(args.repeat):
            out = os.path.join(d, f"cli{i}.h5")
            t0 = time.monotonic()
            subprocess.run([args.bin, "run", args.scenario, "-q", "--set", f"scale={args.scale}",
                            "--threads", str(args.threads), "-o", out], check=True)
            times["cli"].append(time.monotonic() - t0)
            engine["cli"].append(kr.read_meta(out)["wall_seconds"])
            t0 = time.monotonic()
            res = kochmon.run(scn, threads=args.threads, progress=False)
            mine = res.save(os.path.join(d, f"api{i}.h5"))
            times["api"].append(time.monotonic() - t0)
            engine["api"].append(res.meta["wall_seconds"])
            same = kr.series_digest(mine) == kr.series_digest(out)
            print(f"repeat {i + 1}: cli {times['cli'][-1]:.2f} s (engine {engine['cli'][-1]:.2f}),"
                  f" api {times['api'][-1]:.2f} s (engine {engine['api'][-1]:.2f}),"
                  f" same series: {same}")
            if not same:
                sys.exit("the API's /series differ from the CLI's")
    for label, data in (("whole call", times), ("engine", engine)):
        ratio = statistics.median(data["api"]) / statistics.median(data["cli"])
        print(f"{label}: median api/cli = {ratio:.3f}")


if __name__ == "__main__":
    main()
