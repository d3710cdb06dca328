#!/usr/bin/env bash
# Write failures and damaged result files, with the real binary:
#  - a file-size limit (ulimit -f): SIGXFSZ must not kill kochmon; exit 1, a message, no
#    result file and no .tmp;
#  - an output path whose parent is a regular file: exit 1, a message naming the path, nothing
#    created;
#  - a truncated and a corrupted result file given to `kochmon inspect`: exit 2, a message
#    naming the file, no crash.
set -uo pipefail
bin=${KOCHMON_BIN:?KOCHMON_BIN is the kochmon binary}
src=${KOCHMON_SOURCE_DIR:?KOCHMON_SOURCE_DIR is the source tree}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tiny=$src/scenarios/examples/tiny.yaml
fail=0

# check NAME EXPECTED_CODE CODE ERRFILE REGEX
check() {
  local name=$1 want=$2 code=$3 err=$4 regex=$5
  if [[ $code != "$want" ]]; then
    echo "FAIL $name: exit code $code, expected $want"
    cat "$err"
    fail=1
  elif ! grep -qE "$regex" "$err"; then
    echo "FAIL $name: no message matching /$regex/ in:"
    cat "$err"
    fail=1
  elif grep -qE 'AddressSanitizer|runtime error:|internal error' "$err"; then
    echo "FAIL $name: crash or internal error:"
    cat "$err"
    fail=1
  else
    echo "PASS $name: $(head -1 "$err")"
  fi
}
nothing_left() {
  local name=$1 dir=$2
  local left
  left=$(ls -A "$dir")
  if [[ -n $left ]]; then
    echo "FAIL $name: left behind in $dir: $left"
    fail=1
  fi
}

# 1. File-size limit: 16 KiB, far below the uncompressed result.
mkdir -p "$work/fsize"
(
  ulimit -f 16
  exec "$bin" run "$tiny" -o "$work/fsize/out.h5" --quiet --set output.compression=0 \
    --set output.trajectories.sample=1
) > /dev/null 2> "$work/fsize.err"
code=$?
check file_size_limit 1 $code "$work/fsize.err" 'output'
nothing_left file_size_limit "$work/fsize"

# 2. The output's parent is a regular file.
touch "$work/plain"
"$bin" run "$tiny" -o "$work/plain/out.h5" --quiet > /dev/null 2> "$work/parent.err"
check parent_is_file 1 $? "$work/parent.err" "$work/plain/out.h5"
if [[ ! -f $work/plain || -s $work/plain ]]; then
  echo "FAIL parent_is_file: the regular file was changed"
  fail=1
fi

# 3. A good result, then damaged copies for inspect.
mkdir -p "$work/good"
if ! "$bin" run "$tiny" -o "$work/good/out.h5" --quiet > /dev/null 2> "$work/good.err"; then
  echo "FAIL: cannot write the good result:"
  cat "$work/good.err"
  exit 1
fi
size=$(stat -c %s "$work/good/out.h5")
head -c $((size / 2)) "$work/good/out.h5" > "$work/truncated.h5"
head -c 100 "$work/good/out.h5" > "$work/stub.h5"
: > "$work/empty.h5"
cp "$work/good/out.h5" "$work/corrupted.h5"
# Overwrite 4 KiB in the middle (metadata and chunks) with a fixed pattern.
printf '\xff%.0s' $(seq 4096) | dd of="$work/corrupted.h5" bs=1 seek=$((size / 3)) conv=notrunc \
  status=none
cp "$work/good/out.h5" "$work/badsig.h5"
printf 'XXXXXXXX' | dd of="$work/badsig.h5" bs=1 seek=0 conv=notrunc status=none
echo "not hdf5" > "$work/text.h5"
for f in truncated stub empty corrupted badsig text; do
  "$bin" inspect "$work/$f.h5" > /dev/null 2> "$work/$f.err"
  check "inspect_$f" 2 $? "$work/$f.err" "$f\.h5"
done
"$bin" inspect "$work/no_such.h5" > /dev/null 2> "$work/missing.err"
check inspect_missing 2 $? "$work/missing.err" "no_such\.h5"
"$bin" inspect "$work" > /dev/null 2> "$work/dir.err"
check inspect_directory 2 $? "$work/dir.err" "$work"

exit $fail
