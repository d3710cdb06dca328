#!/usr/bin/env bash
# Regenerates the generated references after a schema or rule change (the tests
# ReferenceIsCurrent and SpecReference.* fail until this is run): scenarios/REFERENCE.md from
# the scenario schema and the rules' info(); sweep/, validation/ and calibration/REFERENCE.md
# from the spec files' schema tables.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
K=${KOCHMON_BIN:-./build/release/tools/kochmon}
"$K" reference --example scenarios/examples/tiny.yaml > scenarios/REFERENCE.md
"$K" reference --spec sweep > sweep/REFERENCE.md
"$K" reference --spec targets > validation/REFERENCE.md
"$K" reference --spec calibration > calibration/REFERENCE.md
