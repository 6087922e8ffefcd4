#!/usr/bin/env bash
# npm run bench: installs what it needs (as root, from Debian), creates two
# private network namespaces joined by a veth pair (SFU side 10.99.0.1, load
# side 10.99.0.2, loopback up in both), runs bench/main.ts in the load-side
# one pinned to core 0 (the SFUs are started in the SFU-side one, pinned to
# core 1), and always deletes both. Bounded: killed after 14 min.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=../scripts/node-env.sh
. scripts/node-env.sh

NS_SFU="guichet-bench-sfu-$$"
NS_LOAD="guichet-bench-load-$$"
LIMIT_S="${BENCH_TIME_LIMIT_S:-840}"

# --quick: the short smoke run (about 2 minutes) that CI runs through npm test.
# cluster: two nodes against one (bench/cluster.ts, about 5 minutes), alone.
MODE=main
for arg in "$@"; do
	case "$arg" in
	--quick) export BENCH_QUICK=1 ;;
	cluster) MODE=cluster ;;
	*)
		echo "bench: unknown argument $arg (known: --quick, cluster)" >&2
		exit 2
		;;
	esac
done

if [[ "$(id -u)" != 0 ]]; then
	echo "bench: needs root (network namespace, taskset of other processes, cgroups)" >&2
	exit 1
fi

if [[ "$MODE" == cluster ]]; then
	# Each node gets a cgroup v1 CPU quota (bench/lib/cgroup.ts); everything listens on the
	# loopback of a namespace of its own, with its own Redis. nsenter, not `ip netns exec`:
	# that one mounts a fresh /sys, without the cgroup hierarchies.
	command -v redis-server >/dev/null || {
		echo "bench: cluster needs redis-server (apt-get install redis-server)" >&2
		exit 1
	}
	NS_CLUSTER="guichet-bench-cluster-$$"
	cleanup_cluster() {
		for pid in $(ip netns pids "$NS_CLUSTER" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
		ip netns del "$NS_CLUSTER" 2>/dev/null || true
		# Groups whose run is gone (bench/cluster.ts removes its own; this is for a kill -9).
		for dir in /sys/fs/cgroup/cpu/guichet-bench-* /sys/fs/cgroup/cpuacct/guichet-bench-*; do
			[[ -d "$dir" ]] || continue
			owner="${dir##*/guichet-bench-}"
			owner="${owner%%-*}"
			[[ -d "/proc/$owner" ]] && continue
			root="${dir%/*}"
			while read -r pid; do echo "$pid" >"$root/cgroup.procs" 2>/dev/null || true; done <"$dir/cgroup.procs"
			rmdir "$dir" 2>/dev/null || true
		done
	}
	trap cleanup_cluster EXIT INT TERM
	ip netns add "$NS_CLUSTER"
	ip -n "$NS_CLUSTER" link set lo up
	ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
	timeout --kill-after=20 "${BENCH_TIME_LIMIT_S:-480}" \
		nsenter --net="/run/netns/$NS_CLUSTER" node --import tsx bench/cluster.ts
	exit $?
fi
need=()
command -v janus >/dev/null || need+=(janus)
command -v chromium >/dev/null || need+=(chromium)
command -v ip >/dev/null || need+=(iproute2)
command -v taskset >/dev/null || need+=(util-linux)
if ((${#need[@]})) && [[ "${SKIP_APT:-0}" != 1 ]]; then
	echo "bench: apt-get install ${need[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

cleanup() {
	# Anything still running in the SFU namespace (a Janus or worker left by a killed run) is ours.
	for pid in $(ip netns pids "$NS_SFU" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
	for pid in $(ip netns pids "$NS_LOAD" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
	ip netns del "$NS_SFU" 2>/dev/null || true
	ip netns del "$NS_LOAD" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

ip netns add "$NS_SFU"
ip netns add "$NS_LOAD"
ip -n "$NS_SFU" link set lo up
ip -n "$NS_LOAD" link set lo up
# Both SFUs must sit on a real interface: Janus offers no candidate on 127.0.0.1.
ip -n "$NS_LOAD" link add gbload type veth peer name gbsfu netns "$NS_SFU"
ip -n "$NS_SFU" addr add 10.99.0.1/24 dev gbsfu
ip -n "$NS_LOAD" addr add 10.99.0.2/24 dev gbload
ip -n "$NS_SFU" link set gbsfu up
ip -n "$NS_LOAD" link set gbload up

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
export BENCH_COMMAND="${BENCH_COMMAND:-npm run bench}"
export BENCH_SFU_NETNS="$NS_SFU"
timeout --kill-after=20 "$LIMIT_S" \
	ip netns exec "$NS_LOAD" taskset -c 0 node --import tsx bench/main.ts
