#!/usr/bin/env bash
# Runs the libFuzzer targets (tests/fuzz/: the scenario loader and the CSV reader) for 60 s
# each through tools/dev/fuzz.sh; fails on any finding. Exit 77 (skipped) without clang-14 and
# libFuzzer, or when KOCHMON_SKIP_FUZZ=1 (quick runs). KOCHMON_FUZZ_SECONDS changes the time.
set -euo pipefail
if [[ ${KOCHMON_SKIP_FUZZ:-0} == 1 ]]; then
  echo "kochmon-skip: KOCHMON_SKIP_FUZZ=1"
  exit 77
fi
src=${KOCHMON_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
exec bash "$src/tools/dev/fuzz.sh" "${KOCHMON_FUZZ_SECONDS:-60}"
