#!/usr/bin/env bash
# Writing a result onto a full disk: a 64 KiB tmpfs (needs root to mount; exit 77 = skipped
# otherwise). `kochmon run` must exit with 1, say that the output could not be written, and
# leave neither the result file nor its .tmp behind.
set -uo pipefail
bin=${KOCHMON_BIN:?KOCHMON_BIN is the kochmon binary}
src=${KOCHMON_SOURCE_DIR:?KOCHMON_SOURCE_DIR is the source tree}
work=$(mktemp -d)
mnt=$work/full
mkdir -p "$mnt"
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  umount "$mnt" 2> /dev/null
  rm -rf "$work"
}
trap cleanup EXIT
if ! mount -t tmpfs -o size=64k tmpfs "$mnt" 2> "$work/mount.err"; then
  echo "kochmon-skip: cannot mount a tmpfs (needs root): $(cat "$work/mount.err")"
  exit 77
fi
fail=0
# Uncompressed, so that the file needs far more than 64 KiB.
"$bin" run "$src/scenarios/examples/tiny.yaml" -o "$mnt/out.h5" --quiet \
  --set output.compression=0 --set output.trajectories.sample=1 > "$work/out" 2> "$work/err"
code=$?
echo "exit code $code; stderr:"
cat "$work/err"
if [[ $code != 1 ]]; then
  echo "FAIL: expected exit code 1 on a full disk, got $code"
  fail=1
fi
if ! grep -qi 'output' "$work/err" || ! grep -qiE 'no space|space left|write|ENOSPC' "$work/err"; then
  echo "FAIL: the message does not say that the output could not be written"
  fail=1
fi
if grep -qE 'AddressSanitizer|runtime error:|internal error' "$work/err"; then
  echo "FAIL: a crash or an internal error"
  fail=1
fi
left=$(ls -A "$mnt")
if [[ -n $left ]]; then
  echo "FAIL: left on the full disk: $left"
  fail=1
fi
[[ $fail == 0 ]] && echo "PASS: full disk"
exit $fail
