#!/usr/bin/python3
"""Golden digests of /series for every repository scenario (issue #12, defect 7).

One code path for the check (tests/python/test_golden_digests.py) and the update
(tools/dev/update_golden.sh, which calls `golden_digests.py write --reason ...`):

- scenarios():   every runnable scenario file, found by glob (scenarios/*/*.yaml without
                 the sweep and calibration specs and the targets files), so a new scenario
                 cannot be forgotten;
- overrides():   the --set overrides each runs with (a small scale; the full horizon);
- compute():     one run per scenario and thread count (1 and 2), two runs at a time, and
                 the SHA-256 of its /series (kochmon_read.series_digest);
- read_golden() / write_golden(): tests/golden/series_sha256.txt.

Every run uses the scenario's own seed (no --seed; the seed is read back from /meta@seed and
recorded). Run with /usr/bin/python3 (h5py, numpy). KOCHMON_BIN picks the binary (default
build/release/tools/kochmon).
"""

import argparse
import concurrent.futures
import datetime
import glob
import os
import subprocess
import sys
import tempfile
import time

SOURCE = os.environ.get("KOCHMON_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(SOURCE, "tools", "analysis"))
import kochmon_read as kr  # noqa: E402

BIN = os.environ.get("KOCHMON_BIN") or os.path.join(SOURCE, "build", "release", "tools", "kochmon")
GOLDEN = os.path.join(SOURCE, "tests", "golden", "series_sha256.txt")
UPDATE = 'tools/dev/update_golden.sh --reason "why the numbers changed"'
THREADS = (1, 2)
JOBS = 2            # runs at a time

# scenarios/<dir>/*.yaml that are other spec types (sweeps, calibration) or not scenarios.
NOT_SCENARIO_DIRS = {"sweeps", "calibration"}
NOT_SCENARIO_FILES = {"targets.yaml"}          # validation targets (kochmon validate)

# --set overrides by scenario directory: the Kyrgyzstan scenarios are the full country
# (about 1.5 million households), run at a 1% sample as in test_scenarios_kyrgyzstan.py (about
# 15,000 households; 0.5 s for 2010-2030 at one thread, release build); the examples are
# small worlds, run as they are (0.05-0.15 s). Every run covers the scenario's full horizon.
# A scenario in a directory not listed runs with no override (add its directory here if that
# is too slow).
OVERRIDES = {
    "kyrgyzstan": ["scale=0.01"],
    "examples": [],
}


def scenarios():
    """Repository-relative paths of every runnable scenario, sorted."""
    out = []
    for path in glob.glob(os.path.join(SOURCE, "scenarios", "*", "*.yaml")):
        rel = os.path.relpath(path, SOURCE)
        parts = rel.split(os.sep)
        if parts[1] in NOT_SCENARIO_DIRS or parts[2] in NOT_SCENARIO_FILES:
            continue
        out.append("/".join(parts))
    return sorted(out)


def overrides(scenario):
    """The --set overrides (KEY=VALUE strings) a scenario's golden run uses."""
    return list(OVERRIDES.get(scenario.split("/")[1], []))


def command(scenario, threads, out):
    args = [BIN, "run", os.path.join(SOURCE, scenario), "-q", "--threads", str(threads)]
    for s in overrides(scenario):
        args += ["--set", s]
    return args + ["-o", out]


def shown(scenario, threads):
    """The command line as a person would type it from the repository root."""
    sets = "".join(f" --set {s}" for s in overrides(scenario))
    return f"build/release/tools/kochmon run {scenario} -q --threads {threads}{sets} -o OUT.h5"


def run_one(scenario, threads, directory):
    """(digest, seed, seconds, error) of one run; error is None or the failure text."""
    out = os.path.join(directory, f"{scenario.replace('/', '_')}-t{threads}.h5")
    t0 = time.monotonic()
    r = subprocess.run(command(scenario, threads, out), capture_output=True, text=True,
                       cwd=SOURCE, timeout=300)
    seconds = time.monotonic() - t0
    if r.returncode != 0:
        return None, None, seconds, f"exit {r.returncode}: {r.stderr.strip() or r.stdout.strip()}"
    try:
        digest = kr.series_digest(out)
        seed = kr.read_meta(out)["seed"]
    finally:
        os.remove(out)
    return digest, seed, seconds, None


def compute(names=None, jobs=JOBS, log=None):
    """{scenario: {threads: (digest, seed, seconds, error)}} for every scenario (or `names`)
    and every thread count in THREADS, `jobs` runs at a time."""
    names = scenarios() if names is None else names
    work = [(s, t) for s in names for t in THREADS]
    results = {s: {} for s in names}
    with tempfile.TemporaryDirectory(prefix="kochmon-golden-") as d:
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(run_one, s, t, d): (s, t) for s, t in work}
            for fut in concurrent.futures.as_completed(futures):
                s, t = futures[fut]
                results[s][t] = fut.result()
                if log:
                    digest, _, seconds, error = results[s][t]
                    log(f"  {s} --threads {t}: {seconds:.2f} s {error or digest[:16]}")
    return results


# ------------------------------------------------------------------ the golden file

def read_golden(path=GOLDEN):
    """({scenario: (seed, overrides list, digest)}, header lines) of the golden file."""
    entries, header = {}, []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith("#") or not line.strip():
                header.append(line)
                continue
            fields = line.split()
            if len(fields) != 4:
                raise ValueError(f"{path}:{n}: expected 4 fields (scenario seed overrides "
                                 f"sha256), got {len(fields)}: {line!r}")
            scenario, seed, sets, digest = fields
            entries[scenario] = (int(seed), [] if sets == "-" else sets.split(","), digest)
    return entries, header


def format_line(scenario, seed, sets, digest):
    return f"{scenario} {seed} {','.join(sets) or '-'} {digest}"


def write_golden(results, reason, path=GOLDEN):
    """Write the golden file from compute()'s results (thread counts must agree), under a
    temporary name renamed over `path`."""
    version = subprocess.run([BIN, "--version"], capture_output=True, text=True).stdout.strip()
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    lines = [
        "# Golden digests of /series (issue #12): for every repository scenario, the SHA-256 of",
        "# /series of one run (tools/analysis/kochmon_read.py series_digest: every dataset in",
        "# sorted name order, its name, dtype, shape and little-endian bytes; not the HDF5 file",
        "# bytes, which hold run ids and timestamps). Each scenario runs with its own seed (not",
        "# passed; recorded here from /meta@seed), over its full horizon, with the overrides",
        "# listed, at --threads 1 and 2, which must agree:",
        "#   kochmon run SCENARIO -q --threads N [--set KEY=VALUE]... -o OUT.h5",
        "# Checked by tests/python/test_golden_digests.py. Do not edit by hand: run",
        f"#   {UPDATE}",
        "# (tools/dev/golden_digests.py computes the digests for both).",
        "# Columns: scenario, seed, --set overrides (comma-separated; - for none), sha256.",
        f"# Made with: {version or BIN}",
        f"# Last update ({today}): {reason}",
    ]
    for s in sorted(results):
        by_threads = results[s]
        digests = {t: r[0] for t, r in by_threads.items()}
        errors = [f"--threads {t}: {r[3]}" for t, r in by_threads.items() if r[3]]
        if errors:
            raise RuntimeError(f"{s}: run failed: {'; '.join(errors)}")
        if len(set(digests.values())) != 1:
            raise RuntimeError(f"{s}: /series differ between thread counts {digests}; "
                               "not writing a golden digest of a non-deterministic run")
        digest = digests[THREADS[0]]
        seed = by_threads[THREADS[0]][1]
        lines.append(format_line(s, seed, overrides(s), digest))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, path)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write", help="recompute every digest and write the golden file")
    w.add_argument("--reason", required=True)
    w.add_argument("--file", default=GOLDEN)
    sub.add_parser("list", help="print the scenarios and their overrides")
    a = p.parse_args(argv)
    if a.cmd == "list":
        for s in scenarios():
            print(s, " ".join(overrides(s)) or "-")
        return 0
    reason = " ".join(a.reason.split())
    if not reason:
        print("golden_digests.py: --reason must not be empty", file=sys.stderr)
        return 2
    t0 = time.monotonic()
    results = compute(log=print)
    try:
        write_golden(results, reason, a.file)
    except RuntimeError as e:
        print(f"golden_digests.py: {e}", file=sys.stderr)
        return 1
    print(f"wrote {os.path.relpath(a.file, SOURCE)} ({len(results)} scenarios, "
          f"{time.monotonic() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
