#!/usr/bin/env bash
# A real single-node SLURM cluster (munged, slurmctld, slurmd as root, state in a temporary
# directory): tools/slurm/submit.sh sends a 3-task array of sweep shards and the merge with
# --dependency=afterok; the summary must equal a local sweep's. Then tools/slurm/calibrate.sh
# sends a tiny ABC calibration as a 2-task array of shards; its posterior sample must equal a
# local calibration's bit for bit. Exits 77 (skipped) only when
# SLURM cannot be started here (not root, daemons missing, slurmd refuses to start).
# shellcheck source=tests/shell/sweep_common.sh disable=SC1091
source "$(dirname "$0")/sweep_common.sh"

skip() {
  echo "kochmon-skip: $*"
  exit 77
}
[[ $(id -u) -eq 0 ]] || skip "the SLURM test starts slurmctld and slurmd and needs root"
for d in munged slurmctld slurmd sbatch squeue; do
  command -v "$d" >/dev/null || PATH=$PATH:/usr/sbin
  command -v "$d" >/dev/null || skip "$d not installed (Debian: slurm-wlm, munge)"
done

T=$(mktemp -d /tmp/kochmon-slurm.XXXXXX)
chmod 700 "$T"
pids=()
on_exit() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  rm -rf "$T" || true
  cleanup_work
}
trap on_exit EXIT
dump_logs() {
  for f in "$T"/*.log; do
    echo "--- $f" >&2
    tail -n 20 "$f" >&2 || true
  done
}

# munge, on a private socket and key.
mkdir -p "$T/munge"
chmod 700 "$T/munge"
dd if=/dev/urandom of="$T/munge/munge.key" bs=1024 count=1 status=none
chmod 600 "$T/munge/munge.key"
munged --force --socket="$T/munge/munge.sock" --key-file="$T/munge/munge.key" \
  --pid-file="$T/munge/munged.pid" --log-file="$T/munge.log" --seed-file="$T/munge/seed" ||
  skip "munged does not start here: $(tail -n 3 "$T/munge.log" 2>/dev/null)"
for _ in $(seq 1 50); do [[ -S $T/munge/munge.sock ]] && break; sleep 0.1; done
pids+=("$(cat "$T/munge/munged.pid")")

host=$(hostname -s)
cpus=$(nproc)
# Ports away from a system SLURM's defaults, derived from our pid so parallel runs differ.
port=$((20000 + ($$ % 10000) * 2))
mkdir -p "$T/state" "$T/spool"
cat >"$T/slurm.conf" <<CONF
ClusterName=kochmontest
SlurmctldHost=$host
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$T/munge/munge.sock
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
MinJobAge=300
InactiveLimit=0
KillWait=5
Waittime=0
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$T/slurm.conf

slurmctld -D -i -f "$SLURM_CONF" >"$T/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >"$T/slurmd.out" 2>&1 &
pids+=($!)
up=0
for _ in $(seq 1 100); do
  if sinfo -h -o '%t' 2>/dev/null | grep -Eq '^(idle|mix|alloc)'; then
    up=1
    break
  fi
  for p in "${pids[@]:1}"; do kill -0 "$p" 2>/dev/null || { dump_logs; skip "a SLURM daemon exited at start-up (logs above)"; }; done
  sleep 0.2
done
[[ $up -eq 1 ]] || { dump_logs; skip "the SLURM node did not become idle in 20 s (logs above)"; }
echo "SLURM up: $(sinfo -h -o '%P %D %t %c')"

"$KOCHMON_BIN" sweep "$SPEC" -o "$WORK/local" -q || fail "local sweep"
ids=$(KOCHMON=$KOCHMON_BIN bash "$KOCHMON_SOURCE_DIR/tools/slurm/submit.sh" "$SPEC" "$WORK/slurm" 3) ||
  fail "submit.sh failed"
read -r array merge <<<"$ids"
echo "submitted array $array and merge $merge"

# Wait for both jobs to leave the queue (at most 90 s).
for _ in $(seq 1 450); do
  [[ -z $(squeue -h -j "$array,$merge" 2>/dev/null) ]] && break
  sleep 0.2
done
if [[ -n $(squeue -h -j "$array,$merge" 2>/dev/null) ]]; then
  squeue >&2
  dump_logs
  fail "jobs still queued after 90 s"
fi
[[ -f $WORK/slurm/summary.csv ]] || {
  cat "$WORK/slurm"/*.out >&2 2>/dev/null || true
  dump_logs
  fail "the merge job wrote no summary"
}
cmp "$WORK/local/summary.csv" "$WORK/slurm/summary.csv" || fail "SLURM and local summaries differ"
n_out=$(find "$WORK/slurm" -maxdepth 1 -name 'kochmon-sweep-*.out' | wc -l)
[[ $n_out -eq 3 ]] || fail "expected 3 array task logs, found $n_out"
echo "SLURM array + afterok merge: summary identical to the local sweep"

# An ABC calibration as a 2-task array of shards sharing one evaluation log.
# shellcheck source=tests/shell/calibrate_common.sh disable=SC1091
source "$(dirname "$0")/calibrate_common.sh"
"$KOCHMON_BIN" calibrate "$WORK/abc.yaml" -o "$WORK/abc-local" -q >/dev/null || fail "local calibration"
cal=$(KOCHMON=$KOCHMON_BIN bash "$KOCHMON_SOURCE_DIR/tools/slurm/calibrate.sh" "$WORK/abc.yaml" "$WORK/abc-slurm" 2) ||
  fail "calibrate.sh failed"
for _ in $(seq 1 600); do
  [[ -z $(squeue -h -j "$cal" 2>/dev/null) ]] && break
  sleep 0.2
done
if [[ -n $(squeue -h -j "$cal" 2>/dev/null) ]]; then
  squeue >&2
  dump_logs
  fail "calibration array still queued after 120 s"
fi
[[ -f $WORK/abc-slurm/posterior.h5 ]] || {
  cat "$WORK/abc-slurm"/*.out >&2 2>/dev/null || true
  dump_logs
  fail "the calibration array wrote no posterior.h5"
}
ls "$WORK"/abc-slurm/evaluations/*/gen-2/shard-2.txt >/dev/null || fail "task 2 logged nothing"
same_sample "$WORK/abc-local/posterior.h5" "$WORK/abc-slurm/posterior.h5"
echo "SLURM calibration array of 2 shards: posterior sample identical to the local calibration"
