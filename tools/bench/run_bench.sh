#!/usr/bin/env bash
# Whole-run benchmark (issue #6): the base scenario with all three rules through the real CLI.
#
#   tools/bench/run_bench.sh [--bin build/release/tools/kochmon]
#                            [--scenario scenarios/kyrgyzstan/all_rules.yaml]
#                            [--scales "0.1 1.0"] [--threads "1 2"] [--repeat 3]
#                            [--set key=value]... [--tiny-scale 0.001]
#                            [--json FILE] [--compare BASELINE.json] [--keep DIR]
#
# For every scale × threads it runs `kochmon run SCENARIO --set scale=S --threads T -q`
# `--repeat` times (the repeats are interleaved, so a change of machine load hits every
# configuration alike), measures wall time and peak resident memory with
# `/usr/bin/time -f '%e %M'`, reads households, persons and steps from the result file's
# /meta attributes (h5py), and reports the median of each figure:
#   household_steps_per_s  households × steps_done / wall time of the whole process (loading,
#                          world generation, the run and the HDF5 writes);
#   loop_household_steps_per_s  the same over /meta wall_seconds (the run loop only);
#   bytes_per_person       (peak RSS − fixed overhead) / simulated persons, where the fixed
#                          overhead is the median peak RSS of a tiny run of the same scenario
#                          (scale --tiny-scale, 1 thread): binary, libraries, TBB, HDF5,
#                          scenario and the per-region buffers;
#   speedup_1_to_2         wall(1 thread) / wall(2 threads) at each scale;
#   household_steps_per_cpu_s  the same over user + system CPU time (less sensitive to the
#                          load of a shared machine than wall time);
#   identical_1_vs_2       the /series of the 1- and 2-thread files are bit-identical.
# The scenario's folder is copied first and every run reads the copy, so edits to the tree
# during the benchmark cannot change the inputs; resolved_scenario_sha256_16 lists the hashes
# of the resolved scenario texts the runs recorded (one per scale: the text includes it).
# It prints a table, writes JSON with --json, and with --compare prints the ratios of this
# run's figures to a saved JSON's (new / baseline; for memory and time lower is better).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="$ROOT/build/release/tools/kochmon"
SCENARIO="$ROOT/scenarios/kyrgyzstan/all_rules.yaml"
SCALES="0.1 1.0"
THREADS="1 2"
REPEAT=3
TINY_SCALE=0.001
JSON=""
COMPARE=""
KEEP=""
SETS=()
PY=/usr/bin/python3

usage() { sed -n '2,28p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --bin) BIN="$2"; shift 2 ;;
    --scenario) SCENARIO="$2"; shift 2 ;;
    --scales) SCALES="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --repeat) REPEAT="$2"; shift 2 ;;
    --tiny-scale) TINY_SCALE="$2"; shift 2 ;;
    --set) SETS+=("--set" "$2"); shift 2 ;;
    --json) JSON="$2"; shift 2 ;;
    --compare) COMPARE="$2"; shift 2 ;;
    --keep) KEEP="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run_bench.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

[[ -x "$BIN" ]] || { echo "run_bench.sh: no kochmon binary at $BIN (build the release preset or pass --bin)" >&2; exit 2; }
[[ -f "$SCENARIO" ]] || { echo "run_bench.sh: no scenario $SCENARIO" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "run_bench.sh: /usr/bin/time is needed (apt-get install time)" >&2; exit 2; }
[[ -z "$COMPARE" || -f "$COMPARE" ]] || { echo "run_bench.sh: no baseline $COMPARE" >&2; exit 2; }

if [[ -n "$KEEP" ]]; then
  WORK="$KEEP"
  mkdir -p "$WORK"
else
  WORK="$(mktemp -d /tmp/kochmon_bench.XXXXXX)"
  trap 'rm -rf "$WORK"' EXIT
fi
RUNS="$WORK/runs.tsv"
: >"$RUNS"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
COMMIT="$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
DIRTY="$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null | head -1)"
# Run from a snapshot of the scenario's folder (its base: files and data/), so that edits to
# the tree during a long benchmark cannot change the inputs between repeats.
ORIGINAL_SCENARIO="$SCENARIO"
mkdir -p "$WORK/scenario"
cp -r "$(dirname "$SCENARIO")/." "$WORK/scenario/"
SCENARIO="$WORK/scenario/$(basename "$SCENARIO")"

# One run: appends "label scale threads rep wall_s rss_kb file" to runs.tsv.
run_one() {
  local label="$1" scale="$2" threads="$3" rep="$4"
  local out="$WORK/${label}_s${scale}_t${threads}_r${rep}.h5"
  local timing="$WORK/time.txt"
  rm -f "$out"
  if ! /usr/bin/time -f '%e %M %U %S' -o "$timing" "$BIN" run "$SCENARIO" -o "$out" --threads "$threads" -q \
       "${SETS[@]}" --set "scale=$scale" >"$WORK/stdout.txt" 2>"$WORK/stderr.txt"; then
    echo "run_bench.sh: kochmon run failed (scale $scale, $threads threads):" >&2
    cat "$WORK/stderr.txt" >&2
    exit 1
  fi
  read -r wall rss user sys <"$timing"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$scale" "$threads" "$rep" "$wall" "$rss" "$user" "$sys" "$out" >>"$RUNS"
  printf '  %-5s scale %-6s threads %s  rep %s: %7.2f s wall, %7.2f s CPU, %8d kB  (load %s)\n' "$label" "$scale" \
    "$threads" "$rep" "$wall" "$(awk -v a="$user" -v b="$sys" 'BEGIN { print a + b }')" "$rss" "$(cut -d' ' -f1 /proc/loadavg)" >&2
}

echo "kochmon whole-run benchmark: $(basename "$SCENARIO"), load $LOAD_BEFORE, $(nproc) cores" >&2
for ((rep = 1; rep <= REPEAT; ++rep)); do
  run_one tiny "$TINY_SCALE" 1 "$rep"
  for s in $SCALES; do
    for t in $THREADS; do run_one run "$s" "$t" "$rep"; done
  done
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

export RUNS JSON COMPARE BIN LOAD_BEFORE LOAD_AFTER ROOT COMMIT DIRTY
export SCENARIO="$ORIGINAL_SCENARIO"
export SETS_TEXT="${SETS[*]:-}"
"$PY" - <<'PYEOF'
import json, os, statistics, datetime, hashlib
import h5py

runs = []
with open(os.environ["RUNS"]) as f:
    for line in f:
        label, scale, threads, rep, wall, rss, user, sys_, path = line.rstrip("\n").split("\t")
        with h5py.File(path, "r") as h:
            m = h["meta"].attrs
            meta = {k: m[k] for k in ("households", "persons", "steps_done", "wall_seconds")}
            text = h["meta/scenario"][()]
            scenario_sha = hashlib.sha256(text if isinstance(text, bytes) else text.encode()).hexdigest()[:16]
        runs.append(dict(label=label, scale=float(scale), threads=int(threads), rep=int(rep),
                         wall_s=float(wall), rss_kb=int(rss), cpu_s=float(user) + float(sys_), path=path,
                         households=int(meta["households"]), persons=int(meta["persons"]),
                         steps=int(meta["steps_done"]), loop_s=float(meta["wall_seconds"]),
                         scenario_sha=scenario_sha))

med = statistics.median
tiny = [r for r in runs if r["label"] == "tiny"]
overhead_kb = med([r["rss_kb"] for r in tiny])

def series_identical(a, b):
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        for name in fa["series"]:
            x, y = fa["series"][name][()], fb["series"][name][()]
            if x.shape != y.shape or x.tobytes() != y.tobytes():
                return False
    return True

configs = []
keys = sorted({(r["scale"], r["threads"]) for r in runs if r["label"] == "run"})
for scale, threads in keys:
    rs = [r for r in runs if r["label"] == "run" and r["scale"] == scale and r["threads"] == threads]
    hs = rs[0]["households"] * rs[0]["steps"]
    wall = med([r["wall_s"] for r in rs])
    rss = med([r["rss_kb"] for r in rs])
    configs.append(dict(
        scale=scale, threads=threads, repeats=len(rs),
        households=rs[0]["households"], persons=rs[0]["persons"], steps=rs[0]["steps"],
        wall_s=wall, wall_s_all=[r["wall_s"] for r in rs],
        loop_s=med([r["loop_s"] for r in rs]),
        cpu_s=med([r["cpu_s"] for r in rs]),
        household_steps_per_cpu_s=hs / med([r["cpu_s"] for r in rs]),
        household_steps_per_s=hs / wall,
        loop_household_steps_per_s=hs / med([r["loop_s"] for r in rs]),
        peak_rss_kb=rss,
        bytes_per_person=(rss - overhead_kb) * 1024.0 / rs[0]["persons"],
        peak_rss_bytes_per_person_total=rss * 1024.0 / rs[0]["persons"],
    ))

scales = sorted({c["scale"] for c in configs})
per_scale = []
for s in scales:
    by_t = {c["threads"]: c for c in configs if c["scale"] == s}
    entry = dict(scale=s)
    if 1 in by_t and 2 in by_t:
        entry["speedup_1_to_2"] = by_t[1]["wall_s"] / by_t[2]["wall_s"]
        entry["loop_speedup_1_to_2"] = by_t[1]["loop_s"] / by_t[2]["loop_s"]
        p1 = {r["rep"]: r["path"] for r in runs if r["label"] == "run" and r["scale"] == s and r["threads"] == 1}
        p2 = {r["rep"]: r["path"] for r in runs if r["label"] == "run" and r["scale"] == s and r["threads"] == 2}
        # 1 vs 2 threads of the same repeat, and every repeat against the first.
        entry["identical_1_vs_2"] = all(series_identical(p1[k], p2[k]) for k in p1 if k in p2)
        first = p1[min(p1)]
        entry["identical_across_repeats"] = all(series_identical(first, p) for p in list(p1.values()) + list(p2.values()))
    per_scale.append(entry)

cpu = ""
with open("/proc/cpuinfo") as f:
    for line in f:
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
result = dict(
    when=datetime.datetime.now().isoformat(timespec="seconds"),
    commit=os.environ["COMMIT"],
    worktree_dirty=bool(os.environ.get("DIRTY")),
    resolved_scenario_sha256_16=sorted({r["scenario_sha"] for r in runs if r["label"] == "run"}),
    binary=os.environ["BIN"], scenario=os.path.relpath(os.environ["SCENARIO"], os.environ["ROOT"]),
    extra_sets=os.environ.get("SETS_TEXT", ""),
    machine=dict(nproc=os.cpu_count(), cpu=cpu, load_before=os.environ["LOAD_BEFORE"],
                 load_after=os.environ["LOAD_AFTER"]),
    fixed_overhead_kb=overhead_kb, tiny_scale=tiny[0]["scale"] if tiny else None,
    configs=configs, per_scale=per_scale,
)

print()
print(f"scenario {result['scenario']}  commit {result['commit']}{' (dirty)' if result['worktree_dirty'] else ''}  "
      f"{result['machine']['nproc']} cores: {cpu}")
print(f"load before {result['machine']['load_before']}, after {result['machine']['load_after']}; "
      f"medians of {configs[0]['repeats'] if configs else 0} runs; fixed overhead "
      f"{overhead_kb / 1024:.1f} MiB (peak RSS at scale {result['tiny_scale']})")
hdr = f"{'scale':>6} {'thr':>3} {'households':>11} {'persons':>10} {'steps':>5} {'wall s':>8} {'loop s':>8} " \
      f"{'hh-steps/s':>11} {'loop hh-st/s':>12} {'CPU s':>8} {'hh-st/CPU-s':>11} {'peak RSS MiB':>12} {'B/person':>9}"
print(hdr)
print("-" * len(hdr))
for c in configs:
    print(f"{c['scale']:>6g} {c['threads']:>3} {c['households']:>11,} {c['persons']:>10,} {c['steps']:>5} "
          f"{c['wall_s']:>8.2f} {c['loop_s']:>8.2f} {c['household_steps_per_s']:>11.3e} "
          f"{c['loop_household_steps_per_s']:>12.3e} {c['cpu_s']:>8.2f} {c['household_steps_per_cpu_s']:>11.3e} "
          f"{c['peak_rss_kb'] / 1024:>12.1f} {c['bytes_per_person']:>9.1f}")
for e in per_scale:
    if "speedup_1_to_2" in e:
        print(f"scale {e['scale']:g}: speed-up 1→2 threads {e['speedup_1_to_2']:.2f} (run loop "
              f"{e['loop_speedup_1_to_2']:.2f}); 1 vs 2 threads bit-identical: "
              f"{'yes' if e['identical_1_vs_2'] else 'NO'}; all repeats identical: "
              f"{'yes' if e['identical_across_repeats'] else 'NO'}")

if os.environ.get("JSON"):
    with open(os.environ["JSON"], "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print(f"JSON written to {os.environ['JSON']}")

if os.environ.get("COMPARE"):
    with open(os.environ["COMPARE"]) as f:
        base = json.load(f)
    print()
    print(f"ratios new / baseline ({os.environ['COMPARE']}: commit {base.get('commit')}, {base.get('when')}, "
          f"load {base.get('machine', {}).get('load_before')})")
    bc = {(c["scale"], c["threads"]): c for c in base.get("configs", [])}
    hdr = f"{'scale':>6} {'thr':>3} {'hh-steps/s':>11} {'loop hh-st/s':>12} {'wall':>7} {'peak RSS':>9} {'B/person':>9}"
    print(hdr + "   (hh-steps/s: higher is better; the others: lower is better)")
    print("-" * len(hdr))
    for c in configs:
        b = bc.get((c["scale"], c["threads"]))
        if not b:
            print(f"{c['scale']:>6g} {c['threads']:>3}   (not in the baseline)")
            continue
        r = lambda k: c[k] / b[k] if b[k] else float("nan")
        print(f"{c['scale']:>6g} {c['threads']:>3} {r('household_steps_per_s'):>11.3f} "
              f"{r('loop_household_steps_per_s'):>12.3f} {r('wall_s'):>7.3f} {r('peak_rss_kb'):>9.3f} "
              f"{r('bytes_per_person'):>9.3f}")
    bs = {e["scale"]: e for e in base.get("per_scale", [])}
    for e in per_scale:
        b = bs.get(e["scale"])
        if b and "speedup_1_to_2" in e and "speedup_1_to_2" in b:
            print(f"scale {e['scale']:g}: speed-up {e['speedup_1_to_2']:.2f} vs {b['speedup_1_to_2']:.2f} "
                  f"(ratio {e['speedup_1_to_2'] / b['speedup_1_to_2']:.3f})")
PYEOF
