#!/usr/bin/env bash
# Sets up kochmon (Debian packages, release build) and runs the Kyrgyzstan base scenario.
# Extra arguments go to `kochmon run`, e.g. tools/run_base.sh --set scale=0.1 --threads 2
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Only what a run needs: the CLI and the Python module (the tests build the rest).
"$here/tools/setup.sh" release kochmon kochmon_python
cd "$here"
mkdir -p runs
./build/release/tools/kochmon run scenarios/kyrgyzstan/base.yaml -o runs/kyrgyzstan_base.h5 "$@"
./build/release/tools/kochmon inspect runs/kyrgyzstan_base.h5
