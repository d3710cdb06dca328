#!/usr/bin/env bash
# Regenerates scenarios/REFERENCE.md from the schema and the rules' info() (after a schema or
# rule change; the test ReferenceIsCurrent fails until this is run).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
./build/release/tools/kochmon reference --example scenarios/examples/tiny.yaml > scenarios/REFERENCE.md
