#!/bin/bash
# Submits a kochmon sweep to SLURM: an array of N shards, then the merge, which starts only
# when every shard has succeeded. Prints the two job ids.
#   tools/slurm/submit.sh SPEC DIR N [extra sbatch options, e.g. --partition=short --time=2:00:00]
# KOCHMON (exported to the jobs) names the kochmon binary; default: the one on PATH.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tools/slurm/common.sh disable=SC1091
source "$here/common.sh"
array=$(sbatch --parsable --export=ALL --array="1-$n" --chdir="$dir" "${sbatch_opts[@]}" "$here/array.sbatch" "$spec" "$dir")
array=${array%%;*}
merge=$(sbatch --parsable --export=ALL --dependency="afterok:$array" --chdir="$dir" "${sbatch_opts[@]}" "$here/merge.sbatch" "$dir")
merge=${merge%%;*}
echo "$array $merge"
