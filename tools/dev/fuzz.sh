#!/usr/bin/env bash
# Builds the libFuzzer targets in tests/fuzz/ with Debian's clang-14 (ASan + UBSan + libFuzzer)
# and runs each for SECONDS (default 60), seeded with the repository's scenarios, the bad-input
# corpus and the Kyrgyzstan data files. The project's libraries are built with g++, so the
# sources the targets need (scenarios/, agents/, sim/core/) are compiled here directly.
#
#   tools/dev/fuzz.sh [SECONDS] [TARGET...]     # TARGET: fuzz_scenario, fuzz_csv (default both)
#
# Work files go to build/fuzz/ (objects, corpora that grow from run to run, artifacts). A
# finding leaves build/fuzz/artifacts/<target>-crash-* (or leak-, timeout-, oom-) and makes the
# script exit 1; replay it with build/fuzz/<target> FILE. Exit 77: clang-14 or libFuzzer is
# missing (apt-get install clang-14 libclang-rt-14-dev).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$PWD
seconds=${1:-60}
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(fuzz_scenario fuzz_csv)

cxx=${CLANGXX:-clang++-14}
if ! command -v "$cxx" > /dev/null; then
  echo "kochmon-skip: $cxx not found; apt-get install clang-14 libclang-rt-14-dev"
  exit 77
fi
out=$root/build/fuzz
mkdir -p "$out/obj" "$out/artifacts"
if ! echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long) { return 0; }' |
  "$cxx" -fsanitize=fuzzer -x c++ - -o "$out/probe" 2> "$out/probe.log"; then
  echo "kochmon-skip: $cxx cannot link libFuzzer (apt-get install libclang-rt-14-dev)"
  cat "$out/probe.log" >&2
  exit 77
fi

# shellcheck disable=SC2054 # the commas are part of -fsanitize=...
flags=(-std=c++20 -g -O1 -fno-omit-frame-pointer -ffp-contract=off
  -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
  -I"$root" -I"$out/generated" -DKOCHMON_SOURCE_DIR="\"$root\"")

# version.h, as CMake would configure it (nothing the loader needs depends on its values).
mkdir -p "$out/generated/sim/core"
sed -e 's/@[A-Za-z_]*VERSION[A-Za-z_]*@/0/g' -e 's/@[A-Za-z_]*@/fuzz/g' \
  sim/core/version.h.in > "$out/generated/sim/core/version.h.new"
cmp -s "$out/generated/sim/core/version.h.new" "$out/generated/sim/core/version.h" ||
  mv "$out/generated/sim/core/version.h.new" "$out/generated/sim/core/version.h"

# Compile a source when its object is missing or older than the source or any header it uses.
compile() {
  local src=$1 obj=$out/obj/${1//\//_}.o
  local dep=${obj%.o}.d
  if [[ -f $obj && -f $dep ]]; then
    local stale=0 f
    # shellcheck disable=SC2013 # a .d file lists paths separated by spaces
    for f in $(sed -e 's/^[^:]*://' -e 's/\\$//' "$dep"); do
      [[ $f -nt $obj ]] && stale=1 && break
    done
    [[ $stale == 0 ]] && return 0
  fi
  "$cxx" "${flags[@]}" -MMD -MF "$dep" -c "$src" -o "$obj"
}
mapfile -t lib_srcs < <(find scenarios agents sim/core -name '*.cpp' | sort)
pids=()
jobs=$(nproc)
for src in "${lib_srcs[@]}" "${targets[@]/#/tests/fuzz/}"; do
  [[ $src == tests/fuzz/* ]] && src=$src.cpp
  compile "$src" &
  pids+=($!)
  while [[ $(jobs -rp | wc -l) -ge $jobs ]]; do wait -n; done
done
for p in "${pids[@]}"; do wait "$p"; done
lib_objs=()
for src in "${lib_srcs[@]}"; do lib_objs+=("$out/obj/${src//\//_}.o"); done

status=0
for t in "${targets[@]}"; do
  "$cxx" -fsanitize=fuzzer,address,undefined "$out/obj/tests_fuzz_$t.cpp.o" "${lib_objs[@]}" \
    -lyaml-cpp -o "$out/$t"
  corpus=$out/corpus_$t
  seeds=$out/seeds_$t
  rm -rf "$seeds"
  mkdir -p "$corpus" "$seeds"
  if [[ $t == fuzz_scenario ]]; then
    dirs=(scenarios tests/scenarios/bad)
    [[ -d tests/sweep/bad ]] && dirs+=(tests/sweep/bad)
    find "${dirs[@]}" -name '*.yaml' -o -name '*.yml' |
      while read -r f; do cp "$f" "$seeds/$(echo "$f" | tr / _)"; done
  else
    find scenarios tests/scenarios/bad -name '*.csv' |
      while read -r f; do cp "$f" "$seeds/$(echo "$f" | tr / _)"; done
  fi
  echo "== $t: ${seconds}s, $(find "$seeds" -type f | wc -l) seeds, corpus $(find "$corpus" -type f | wc -l) entries"
  log=$out/$t.log
  # Inputs longer than the largest seed scenario slow the search without finding more; the
  # CSV target loads a whole scenario per input, so shorter inputs run several times faster.
  max_len=65536
  [[ $t == fuzz_csv ]] && max_len=16384
  # -timeout: an input that takes 10 s to load is a finding (a scenario loads in milliseconds).
  if ! KOCHMON_SOURCE_DIR=$root "$out/$t" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len="$max_len" -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/$t-" "$corpus" "$seeds" > "$log" 2>&1; then
    status=1
    echo "fuzz.sh: $t found a problem; see $log and $out/artifacts/" >&2
    grep -E 'ERROR|runtime error|unexpected exception|Test unit written' "$log" | head -20 >&2
  fi
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' \
    "$log" || true
  grep -E '^#[0-9]+.*(DONE|cov:)' "$log" | tail -1 || true
done
exit $status
