#!/usr/bin/env bash
# Lists the tests of the last ctest run in BUILD_DIR that were skipped, each with its reason:
# a script's "kochmon-skip: <reason>" line (exit 77, ctest "Skipped") or GoogleTest's
# GTEST_SKIP() message. tools/test.sh prints it at the end of every pass.
#   tools/dev/skipped.sh BUILD_DIR
log="${1:?usage: skipped.sh BUILD_DIR}/Testing/Temporary/LastTest.log"
[[ -f $log ]] || exit 0
awk '
  /^[0-9]+\/[0-9]+ Testing: / { name = $3; next }
  /^kochmon-skip: / { sub(/^kochmon-skip: /, ""); print "  " name ": " $0; n++; next }
  /: Skipped$/ { getline reason; print "  " name ": " reason; n++ }
  END { if (n) print n " skipped test(s), listed above with their reason"; else print "no test was skipped" }
' "$log"
