#!/usr/bin/env bash
# Sets up kochmon (Debian packages, release build) and runs the whole test suite with ctest:
# the release suite, then the same suite under ASan+UBSan and the TSan pass
# (tools/dev/sanitizers.sh). Every pass runs even when an earlier one failed; the script exits
# 1 if any did. At the end it lists every skipped test with its reason (tools/dev/skipped.sh).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Test-only tools: a SLURM cluster for the job-array test, Chromium for the report test,
# clang's libFuzzer for the fuzz targets, scipy's t quantiles for the scenario claims, and
# dpkg-dev for `apt-get source` (the instrumented oneTBB of the TSan pass).
export KOCHMON_EXTRA_PACKAGES="slurm-wlm munge chromium clang-14 libclang-rt-14-dev python3-xarray hdf5-tools python3-scipy dpkg-dev"
"$here/tools/setup.sh" release || exit 1
cd "$here" || exit 1
status=0
ctest --preset release || status=1
# The same suite under AddressSanitizer + UndefinedBehaviorSanitizer, and the parallel step,
# checkpoints and sweep drivers under ThreadSanitizer (about 15 minutes on 2 cores).
# KOCHMON_SKIP_SANITIZERS=1 skips them for a quick local run.
if [[ ${KOCHMON_SKIP_SANITIZERS:-0} != 1 ]]; then
  bash tools/dev/sanitizers.sh || status=1
fi
for pass in release asan tsan; do
  [[ -d build/$pass ]] || continue
  [[ $pass != release && ${KOCHMON_SKIP_SANITIZERS:-0} == 1 ]] && continue
  echo "test.sh: skipped tests of the $pass pass:"
  bash tools/dev/skipped.sh "build/$pass"
done
exit $status
