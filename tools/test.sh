#!/usr/bin/env bash
# Sets up kochmon (Debian packages, release build) and runs the whole test suite with ctest.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/tools/setup.sh" release
cd "$here"
ctest --preset release
