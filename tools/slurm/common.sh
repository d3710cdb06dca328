# Shared by submit.sh and calibrate.sh (sourced): checks SPEC DIR N and KOCHMON, and sets
# spec, dir (absolute), n and the remaining sbatch options in sbatch_opts.
# shellcheck shell=bash
if [[ $# -lt 3 ]]; then
  echo "usage: $0 SPEC DIR N [sbatch options...]" >&2
  exit 2
fi
spec=$(realpath "$1")
dir=$(realpath -m "$2")
n=$3
shift 3
sbatch_opts=("$@")
if ! [[ $n =~ ^[1-9][0-9]*$ ]]; then
  echo "$0: error: N must be a positive integer, got '$n'" >&2
  exit 2
fi
export KOCHMON=${KOCHMON:-$(command -v kochmon || true)}
if [[ -z $KOCHMON ]]; then
  echo "$0: error: no kochmon on PATH; hint: export KOCHMON=/path/to/kochmon" >&2
  exit 2
fi
# The jobs run in DIR: a relative path to the binary would not resolve there.
[[ $KOCHMON == */* ]] && KOCHMON=$(realpath "$KOCHMON")
mkdir -p "$dir"
