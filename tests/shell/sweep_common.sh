# Shared by the sweep shell tests (sourced): the kochmon binary, the source tree, a scratch dir.
# shellcheck shell=bash
set -euo pipefail
KOCHMON_BIN=${KOCHMON_BIN:-}
KOCHMON_SOURCE_DIR=${KOCHMON_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
if [[ -z "$KOCHMON_BIN" || ! -x "$KOCHMON_BIN" ]]; then
  echo "KOCHMON_BIN is not set to the kochmon binary (ctest sets it)" >&2
  exit 1
fi
SPEC="$KOCHMON_SOURCE_DIR/scenarios/sweeps/tiny_grid.yaml"
WORK=$(mktemp -d /tmp/kochmon-sweep-test.XXXXXX)
cleanup_work() { rm -rf "$WORK" || true; }
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
