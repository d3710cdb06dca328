#!/bin/bash
# Submits an ABC calibration (method abc_smc) to SLURM as an array of N shards sharing DIR
# (calibration/README.md, "Drivers"). Prints the array's job id. The spec's `jobs` is the
# number of evaluations at once in each task: give the tasks as many CPUs
# (--cpus-per-task=J among the sbatch options).
#   tools/slurm/calibrate.sh SPEC DIR N [extra sbatch options, e.g. --partition=short --time=4:00:00]
# KOCHMON (exported to the jobs) names the kochmon binary; default: the one on PATH.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tools/slurm/common.sh disable=SC1091
source "$here/common.sh"
array=$(sbatch --parsable --export=ALL --array="1-$n" --chdir="$dir" "${sbatch_opts[@]}" "$here/calibrate.sbatch" "$spec" "$dir")
echo "${array%%;*}"
