#!/usr/bin/env bash
# Recomputes the golden digests of /series (tests/golden/series_sha256.txt, checked by
# tests/python/test_golden_digests.py) after a change that is meant to move the numbers, and
# commits that file alone with the message "Golden digests: <reason>".
#
#   tools/dev/update_golden.sh --reason "why the numbers changed" [--no-commit]
#
# The reason is required (exit 2 without one) and is written into the file's header and the
# commit message, so every change of the numbers says why in the history. --no-commit leaves
# the file uncommitted (for a larger commit) and prints the line to put in its message.
# The digests come from tools/dev/golden_digests.py, the code the test uses, with the binary
# in KOCHMON_BIN (default build/release/tools/kochmon; build it first). Exit 1 when a run
# fails or 1 and 2 threads disagree (the file is then left as it was), or the commit fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
file=tests/golden/series_sha256.txt

usage() {
  echo "usage: tools/dev/update_golden.sh --reason \"why the numbers changed\" [--no-commit]" >&2
  exit 2
}

reason="" commit=1
while [[ $# -gt 0 ]]; do
  case $1 in
  --reason) [[ $# -ge 2 ]] || usage; reason=$2; shift 2 ;;
  --reason=*) reason=${1#--reason=}; shift ;;
  --no-commit) commit=0; shift ;;
  -h | --help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "update_golden.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
# One line, spaces collapsed: it goes into a header comment and a commit subject.
reason=$(printf '%s' "$reason" | tr '\n\t' '  ' | tr -s ' ' | sed 's/^ //; s/ $//')
if [[ -z $reason ]]; then
  echo "update_golden.sh: --reason \"why the numbers changed\" is required and must not be empty" >&2
  usage
fi

/usr/bin/python3 tools/dev/golden_digests.py write --reason "$reason" --file "$file"

message="Golden digests: $reason"
if [[ $commit == 0 ]]; then
  echo "update_golden.sh: $file written, not committed; put this line in the commit message:"
  echo "  $message"
  exit 0
fi
git add -- "$file"
if git diff --cached --quiet -- "$file"; then
  echo "update_golden.sh: $file is unchanged; nothing to commit"
  exit 0
fi
# Only this file, whatever else is staged (git commit --only).
git commit --quiet --only -m "$message" -- "$file"
echo "update_golden.sh: committed $file: $(git log -1 --format='%h %s')"
