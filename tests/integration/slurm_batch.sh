#!/bin/sh
# A real single-node Slurm (slurmctld + slurmd + munged, started and stopped
# here) runs `whyhung batch --shard K/2` as a job array over the fixtures and
# copies of them; the merged shards must give the clusters of a local batch.
# The daemons bind to 127.0.0.1 only (CommunicationParameters=NoInAddrAny,
# checked with ss) and, where the test may create one, run in a network
# namespace of their own whose only interface is loopback.
# usage: slurm_batch.sh WHYHUNG FIXTURES VMLINUX WORKDIR
set -u
whyhung=$1 fixtures=$2 vmlinux=$3 work=$4
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: the Slurm test starts slurmctld, slurmd and munged in a network namespace: it needs root"
	exit 77
fi
for tool in slurmctld slurmd munged sbatch sinfo unshare ip; do
	command -v $tool >/dev/null || { echo "FAIL: $tool missing (setup.sh --tests installs slurm-wlm and munge)"; exit 1; }
done
if [ -z "${WH_IN_NETNS:-}" ] && [ -z "${WH_SLURM_NO_NETNS:-}" ] && unshare -n -m true 2>/dev/null; then
	WH_IN_NETNS=1 exec unshare -n -m --propagation private "$0" "$@"
fi
where="the host's network namespace (no permission for one of its own)"
if [ -n "${WH_IN_NETNS:-}" ]; then
	where="a network namespace of its own"
	ip link set lo up || { echo "FAIL: no loopback in the namespace"; exit 1; }
	# Slurm resolves with getaddrinfo(AI_ADDRCONFIG), which ignores loopback
	# addresses: a second address on lo (still nothing leaves the namespace).
	ip addr add 10.254.0.1/32 dev lo || { echo "FAIL: cannot address lo"; exit 1; }
	# The daemons bind to what this host's name resolves to: loopback here
	# (a mount namespace of its own too, so /etc/hosts changes only here).
	hosts=$(mktemp /tmp/whyhung-hosts.XXXXXX)
	printf '127.0.0.1 localhost %s %s\n' "$(hostname -s)" "$(hostname)" >"$hosts"
	mount --bind "$hosts" /etc/hosts || { echo "FAIL: cannot set /etc/hosts"; exit 1; }
	rm -f "$hosts" # (the mount keeps it)
fi

whyhung=$(realpath "$whyhung") vmlinux=$(realpath "$vmlinux") fixtures=$(realpath "$fixtures")
rm -rf "$work"
mkdir -p "$work"
work=$(realpath "$work")
export TMPDIR="$work/tmp" # the batches' temporary directories
mkdir -p "$TMPDIR"
# Slurm and munge refuse state directories others can write to.
run=$(mktemp -d /tmp/whyhung-slurm.XXXXXX)
chmod 711 "$run"
mkdir -p "$run/state" "$run/spool"
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do
		for i in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$p" 2>/dev/null
	done
	rm -rf "$run"
}
trap cleanup EXIT INT TERM

dd if=/dev/urandom of="$run/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$run/munge.key"
munged -f --key-file="$run/munge.key" --socket="$run/munge.sock" --pid-file="$run/munged.pid" \
	--log-file="$run/munged.log" --seed-file="$run/munged.seed" ||
	{ echo "FAIL: munged did not start"; cat "$run/munged.log"; exit 1; }
pids="$(cat "$run/munged.pid")"

host=$(hostname -s)
cat >"$run/slurm.conf" <<CONF
ClusterName=whyhung
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$run/munge.sock
CredType=cred/munge
StateSaveLocation=$run/state
SlurmdSpoolDir=$run/spool
SlurmctldPidFile=$run/slurmctld.pid
SlurmdPidFile=$run/slurmd.pid
SlurmctldLogFile=$run/slurmctld.log
SlurmdLogFile=$run/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
CommunicationParameters=NoInAddrAny,NoCtldInAddrAny
ReturnToService=2
NodeName=whnode NodeAddr=127.0.0.1 NodeHostname=$host CPUs=2 State=UNKNOWN
PartitionName=wh Nodes=whnode Default=YES State=UP MaxTime=10
CONF
export SLURM_CONF="$run/slurm.conf"
slurmctld -D -i >"$run/slurmctld.out" 2>&1 &
pids="$pids $!"
slurmd -D -N whnode >"$run/slurmd.out" 2>&1 &
pids="$pids $!"
state=""
for i in $(seq 1 60); do
	state=$(timeout 5 sinfo -h -N -o %T 2>/dev/null)
	[ "$state" = idle ] && break
	for p in $pids; do kill -0 "$p" 2>/dev/null || state="a daemon died"; done
	[ "$state" = "a daemon died" ] && break
	sleep 0.5
done
if [ "$state" != idle ]; then
	echo "FAIL: the node did not come up (state '$state')"
	tail -n 20 "$run/slurmctld.log" "$run/slurmd.log" "$run/slurmctld.out" "$run/slurmd.out"
	exit 1
fi
listening=$(ss -Hltn "( sport = :16817 or sport = :16818 )" | awk '{print $4}' | sort -u)
if [ "$(echo "$listening" | grep -vc '^127\.0\.0\.1:')" != 0 ] || [ -z "$listening" ]; then
	echo "FAIL: Slurm listens on $(echo $listening), not on 127.0.0.1 alone"
	exit 1
fi
echo "ok   slurmctld and slurmd up, listening on $(echo $listening) only, in $where"

release=$("$whyhung" summary "$fixtures/hung-6.1/vmcore" -k "$vmlinux" --format json |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["kernel"]["release"])')
mkdir -p "$work/debug/boot" "$work/crash"
ln -s "$vmlinux" "$work/debug/boot/vmlinux-$release"
n=0
for copy in 1 2 3; do
	for f in hung-6.1 kdump-6.1 softlockup-6.1; do
		mkdir -p "$work/crash/$n"
		# Copies with a byte past the end: other content ids, same bugs.
		{ cat "$fixtures/$f/vmcore"; printf '%s' "$copy"; } >"$work/crash/$n/vmcore"
		n=$((n + 1))
	done
done

timeout 300 sbatch --wait --array=0-1 --chdir="$work" --output="$work/shard-%a.out" --wrap \
	"$whyhung batch $work/crash -j 1 --debug-dir $work/debug --shard \$SLURM_ARRAY_TASK_ID/2 --db $work/shard-\$SLURM_ARRAY_TASK_ID.db" \
	>"$work/sbatch.out" 2>&1
rc=$?
if [ $rc -ne 0 ] || [ ! -f "$work/shard-0.db" ] || [ ! -f "$work/shard-1.db" ]; then
	echo "FAIL: the job array failed (sbatch exit $rc)"
	cat "$work/sbatch.out" "$work"/shard-*.out 2>/dev/null
	tail -n 20 "$run/slurmctld.log" "$run/slurmd.log"
	exit 1
fi
echo "ok   job array of 2 shards ran: $(cat "$work/sbatch.out")"

"$whyhung" merge --db "$work/merged.db" "$work/shard-0.db" "$work/shard-1.db" >/dev/null &&
	"$whyhung" clusters --db "$work/merged.db" --format json >"$work/merged.json" &&
	"$whyhung" batch "$work/crash" --debug-dir "$work/debug" --db "$work/local.db" >/dev/null &&
	"$whyhung" clusters --db "$work/local.db" --format json >"$work/local.json" ||
	{ echo "FAIL: merge, clusters or the local batch failed"; exit 1; }
python3 - "$work/merged.json" "$work/local.json" "$work/shard-0.db" "$work/shard-1.db" <<'PY'
import json, sqlite3, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
key = lambda d: sorted((c["signature"], c["count"], c["kernels"], c["first_crash_time"],
                        c["last_crash_time"]) for c in d["clusters"])
shards = [sqlite3.connect(p).execute("SELECT COUNT(*) FROM dumps").fetchone()[0]
          for p in sys.argv[3:5]]
good = key(a) == key(b) and sum(shards) == 9 and all(shards) and \
    sorted(c["count"] for c in a["clusters"]) == [3, 6]
print(("ok   " if good else "FAIL ") +
      "shards of %s dumps merged: clusters equal the local batch's %s" % (shards, key(b)))
sys.exit(not good)
PY
