#!/usr/bin/env bash
# Every bad spec: tests/sweep/bad/<case>.yaml given to `kochmon sweep` and
# tests/sweep/bad_calibration/<case>.yaml given to `kochmon calibrate`: exit code 2, each line
# of <case>.expected in the output (fixed strings), no output directory created, no crash.
set -uo pipefail
bin=${KOCHMON_BIN:?KOCHMON_BIN is the kochmon binary}
src=${KOCHMON_SOURCE_DIR:?KOCHMON_SOURCE_DIR is the source tree}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
for pair in sweep:tests/sweep/bad calibrate:tests/sweep/bad_calibration; do
  command=${pair%%:*}
  cd "$src/${pair#*:}" || exit 1
  n=0
  for spec in *.yaml; do
    name=${spec%.yaml}
    n=$((n + 1))
    "$bin" "$command" "$spec" -o "$work/$command-$name" -q > "$work/$name.out" 2>&1
    code=$?
    ok=1
    [[ $code == 2 ]] || { echo "FAIL $command $name: exit code $code, expected 2"; ok=0; }
    while IFS= read -r line; do
      [[ -z $line ]] && continue
      grep -qF -- "$line" "$work/$name.out" || { echo "FAIL $command $name: missing: $line"; ok=0; }
    done < "$name.expected"
    if grep -qE 'AddressSanitizer|runtime error:|internal error' "$work/$name.out"; then
      echo "FAIL $command $name: crash or internal error"
      ok=0
    fi
    [[ -e $work/$command-$name ]] && { echo "FAIL $command $name: created output"; ok=0; }
    if [[ $ok == 1 ]]; then
      echo "PASS $command $name"
    else
      cat "$work/$name.out"
      fail=1
    fi
  done
  echo "$n bad $command specs"
done
exit $fail
