#!/bin/bash
# Submits a kochmon sweep to SLURM: an array of N shards, then the merge, which starts only
# when every shard has succeeded. Prints the two job ids.
#   tools/slurm/submit.sh SPEC DIR N [extra sbatch options, e.g. --partition=short --time=2:00:00]
# KOCHMON (exported to the jobs) names the kochmon binary; default: the one on PATH.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ $# -lt 3 ]]; then
  echo "usage: $0 SPEC DIR N [sbatch options...]" >&2
  exit 2
fi
spec=$(realpath "$1")
dir=$(realpath -m "$2")
n=$3
shift 3
if ! [[ $n =~ ^[1-9][0-9]*$ ]]; then
  echo "$0: error: N must be a positive integer, got '$n'" >&2
  exit 2
fi
export KOCHMON=${KOCHMON:-$(command -v kochmon || true)}
if [[ -z $KOCHMON ]]; then
  echo "$0: error: no kochmon on PATH; hint: export KOCHMON=/path/to/kochmon" >&2
  exit 2
fi
mkdir -p "$dir"
array=$(sbatch --parsable --export=ALL --array="1-$n" --chdir="$dir" "$@" "$here/array.sbatch" "$spec" "$dir")
array=${array%%;*}
merge=$(sbatch --parsable --export=ALL --dependency="afterok:$array" --chdir="$dir" "$@" "$here/merge.sbatch" "$dir")
merge=${merge%%;*}
echo "$array $merge"
