#!/usr/bin/env bash
# Two kochmon binaries side by side in one run (the machine is shared and noisy: compare
# ratios, not absolute times). Each repeat runs every scenario with the old binary and then the
# new one, so a change of load hits both alike; prints the median wall time and CPU time of
# each and the throughput ratio new/old (> 1: the new binary is faster), and checks that both
# wrote bit-identical /series (h5diff).
#
#   tools/bench/ab.sh OLD_BIN NEW_BIN [--repeat 5] [--threads 2] [--set key=value]...
#                     [SCENARIO.yaml ...]      (default: the Kyrgyz base and all_rules, full country)
#
# OLD.yaml::NEW.yaml runs the old binary on OLD.yaml and the new one on NEW.yaml: a change that
# adds scenario keys (which an old binary rejects) is compared on the scenario each reads, e.g.
# the scenario files of a `git worktree` of the old commit.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OLD=${1:?usage: ab.sh OLD_BIN NEW_BIN [options] [scenarios]}
NEW=${2:?usage: ab.sh OLD_BIN NEW_BIN [options] [scenarios]}
shift 2
REPEAT=5
THREADS=2
SETS=()
SCENARIOS=()
while (($#)); do
  case $1 in
  --repeat) REPEAT=$2; shift 2 ;;
  --threads) THREADS=$2; shift 2 ;;
  --set) SETS+=(--set "$2"); shift 2 ;;
  *) SCENARIOS+=("$1"); shift ;;
  esac
done
((${#SCENARIOS[@]})) || SCENARIOS=("$ROOT/scenarios/kyrgyzstan/base.yaml" "$ROOT/scenarios/kyrgyzstan/all_rules.yaml")
work=$(mktemp -d /tmp/kochmon-ab.XXXXXX)
trap 'rm -rf "$work"' EXIT

for s in "${SCENARIOS[@]}"; do
  s_old=${s%%::*}
  s_new=${s##*::}
  name=$(basename "$s_new" .yaml)
  for ((i = 1; i <= REPEAT; ++i)); do
    for which in old new; do
      bin=$OLD
      scenario=$s_old
      [[ $which == new ]] && bin=$NEW && scenario=$s_new
      /usr/bin/time -f '%e %U %S' -o "$work/t" "$bin" run "$scenario" -q --threads "$THREADS" \
        "${SETS[@]}" -o "$work/$name-$which.h5"
      read -r wall user sys <"$work/t"
      echo "$wall $(echo "$user + $sys" | bc)" >>"$work/$name-$which.times"
    done
  done
  h5diff -q "$work/$name-old.h5" "$work/$name-new.h5" /series /series >/dev/null &&
    same=identical || same=DIFFERENT
  /usr/bin/python3 - "$work/$name-old.times" "$work/$name-new.times" "$name" "$same" "$REPEAT" <<'EOF'
import statistics, sys
old = [tuple(map(float, l.split())) for l in open(sys.argv[1])]
new = [tuple(map(float, l.split())) for l in open(sys.argv[2])]
wo, wn = statistics.median(w for w, _ in old), statistics.median(w for w, _ in new)
co, cn = statistics.median(c for _, c in old), statistics.median(c for _, c in new)
pairs = [o[0] / n[0] for o, n in zip(old, new)]
print(f"{sys.argv[3]}: old {wo:.2f} s wall ({co:.2f} s CPU), new {wn:.2f} s ({cn:.2f} s CPU); "
      f"throughput new/old: wall {wo / wn:.3f} (paired repeats {min(pairs):.3f}-{max(pairs):.3f}), "
      f"CPU {co / cn:.3f}; {sys.argv[5]} repeats; /series {sys.argv[4]}")
EOF
done
