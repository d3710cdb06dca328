#!/usr/bin/env bash
# The checkers of issues #7 and #12, each with its wall time:
#  1. the `asan` preset (AddressSanitizer + UndefinedBehaviorSanitizer, -fno-sanitize-recover=all):
#     configure, build, and the whole ctest suite except tests labelled `slow`, the fuzzing
#     test (tools/dev/fuzz.sh runs it with its own sanitizer build), the SLURM/MPI sweep and
#     calibration drivers (they time processes, which ASan slows several-fold, and OpenMPI's
#     own allocations in MPI_Init stay unfreed, which LeakSanitizer reports; the calibration's
#     evaluation log is under ASan in tests/sweep/test_evaluations.cpp) and the statistical
#     scenario tests (hundreds of runs);
#  2. the `tsan` preset (ThreadSanitizer), linked against oneTBB built with -fsanitize=thread
#     from Debian's source package (tools/dev/tbb_tsan.sh, cached), so that TSan sees TBB's
#     own synchronisation: the ctest tests labelled `tsan` (tests/CMakeLists.txt: the parallel
#     step with every feature, checkpoints, the sweep drivers and the calibration pool). Any
#     report fails the pass (halt_on_error); a false positive in a library we do not build
#     gets a suppression in tools/dev/tsan.supp naming the library frame and the reason.
#
#   tools/dev/sanitizers.sh [asan|tsan]...      (default: both)
#
# Exit 1 when a test fails, a sanitizer reports, or a build fails.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
steps=("$@")
[[ ${#steps[@]} -gt 0 ]] || steps=(asan tsan)
status=0

timed() {
  local label=$1
  shift
  local t0=$SECONDS
  "$@"
  local rc=$?
  echo "sanitizers.sh: $label: $((SECONDS - t0)) s (exit $rc)" >&2
  return $rc
}

run_asan() {
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  # Fuzzing has its own build; the MPI/SLURM drivers and the kill test time processes.
  KOCHMON_SKIP_FUZZ=1 timed "asan test" ctest --preset asan \
    -E '^(shell\.test_(fuzz|sweep_slurm|sweep_drivers|sweep_kill|calibrate_drivers)|python\.test_scenarios_kyrgyzstan)$'
}

# The TSan build must load the instrumented oneTBB, not Debian's (which would bring back the
# false reports of uninstrumented task hand-offs).
check_tsan_tbb() {
  local lib
  lib=$(ldd build/tsan/tests/kochmon_test_engine | awk '/libtbb\.so/ { print $3 }')
  if [[ $lib != "$tbb_prefix"/* ]]; then
    echo "sanitizers.sh: the TSan build loads $lib, not the instrumented oneTBB in $tbb_prefix" >&2
    return 1
  fi
}

run_tsan() {
  # exitcode 66 and halt_on_error: the first report ends the test with a failure, its stacks
  # in the test's output (ctest --output-on-failure).
  TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 history_size=4 suppressions=$PWD/tools/dev/tsan.supp" \
    timed "tsan test" ctest --preset tsan
}

for step in "${steps[@]}"; do
  case $step in
  asan)
    timed "asan configure" cmake --preset asan --log-level=WARNING &&
      timed "asan build" cmake --build --preset asan &&
      run_asan || status=1
    ;;
  tsan)
    tbb_prefix=$(timed "tsan oneTBB (instrumented)" bash tools/dev/tbb_tsan.sh) &&
      timed "tsan configure" cmake --preset tsan --log-level=WARNING \
        -DTBB_DIR="$tbb_prefix/lib/cmake/TBB" &&
      timed "tsan build" cmake --build --preset tsan --target kochmon_test_engine kochmon kochmon_tsan_canary \
        kochmon_tsan_evaluations &&
      check_tsan_tbb && run_tsan || status=1
    ;;
  *)
    echo "sanitizers.sh: unknown step '$step' (asan, tsan)" >&2
    exit 2
    ;;
  esac
done
exit $status
