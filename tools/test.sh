#!/usr/bin/env bash
# Sets up kochmon (Debian packages, release build) and runs the whole test suite with ctest.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Test-only tools: a SLURM cluster for the job-array test, Chromium for the report test,
# clang's libFuzzer for the fuzz targets.
export KOCHMON_EXTRA_PACKAGES="slurm-wlm munge chromium clang-14 libclang-rt-14-dev python3-xarray hdf5-tools"
"$here/tools/setup.sh" release
cd "$here"
ctest --preset release
# The same suite under AddressSanitizer + UndefinedBehaviorSanitizer, and the parallel step
# under ThreadSanitizer (tools/dev/sanitizers.sh; about 15 minutes on 2 cores).
# KOCHMON_SKIP_SANITIZERS=1 skips them for a quick local run.
if [[ ${KOCHMON_SKIP_SANITIZERS:-0} != 1 ]]; then
  bash tools/dev/sanitizers.sh
fi
