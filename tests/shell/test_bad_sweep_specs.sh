#!/usr/bin/env bash
# Every tests/sweep/bad/<case>.yaml given to `kochmon sweep`: exit code 2, each line of
# <case>.expected on stderr (fixed strings), no sweep directory created, no crash. Exit 77
# when the binary has no sweep command yet.
set -uo pipefail
bin=${KOCHMON_BIN:?KOCHMON_BIN is the kochmon binary}
src=${KOCHMON_SOURCE_DIR:?KOCHMON_SOURCE_DIR is the source tree}
if ! "$bin" sweep --help > /dev/null 2>&1; then
  echo "kochmon-skip: this kochmon has no sweep command"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$src/tests/sweep/bad" || exit 1
fail=0
n=0
for spec in *.yaml; do
  name=${spec%.yaml}
  n=$((n + 1))
  "$bin" sweep "$spec" -o "$work/$name" -q > "$work/$name.out" 2>&1
  code=$?
  ok=1
  [[ $code == 2 ]] || { echo "FAIL $name: exit code $code, expected 2"; ok=0; }
  while IFS= read -r line; do
    [[ -z $line ]] && continue
    grep -qF -- "$line" "$work/$name.out" || { echo "FAIL $name: missing: $line"; ok=0; }
  done < "$name.expected"
  if grep -qE 'AddressSanitizer|runtime error:|internal error' "$work/$name.out"; then
    echo "FAIL $name: crash or internal error"
    ok=0
  fi
  [[ -e $work/$name ]] && { echo "FAIL $name: created $work/$name"; ok=0; }
  if [[ $ok == 1 ]]; then
    echo "PASS $name"
  else
    cat "$work/$name.out"
    fail=1
  fi
done
echo "$n bad sweep specs"
exit $fail
