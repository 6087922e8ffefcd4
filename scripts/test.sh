#!/usr/bin/env bash
# npm test: every test (unit, integration with a real mediasoup worker and
# Redis, end to end in Chromium) in one vitest run.
#
# As root, the run moves into a fresh network namespace that only has
# loopback, so no test packet can leave through a real interface (Chromium
# would otherwise offer its LAN address as an ICE candidate). Redis is
# started inside it. The Firefox e2e adds a veth pair inside it (Firefox
# gathers nothing usable on loopback alone), never a real interface. Elsewhere the tests run as they are, against the Redis
# on 127.0.0.1:6379.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=node-env.sh
. scripts/node-env.sh

if [[ "${GUICHET_TEST_NETNS:-}" != 1 && "$(id -u)" == 0 ]] && command -v unshare >/dev/null && command -v ip >/dev/null; then
	exec unshare --net env GUICHET_TEST_NETNS=1 bash -c 'ip link set lo up && exec bash scripts/test.sh "$@"' test.sh "$@"
fi

if [[ "${GUICHET_TEST_NETNS:-}" == 1 ]] && command -v redis-server >/dev/null; then
	dir=$(mktemp -d)
	redis-server --port 6379 --bind 127.0.0.1 --save "" --appendonly no --daemonize yes --dir "$dir" \
		--pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
	trap 'kill "$(cat "$dir/redis.pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$dir"' EXIT
fi

npx vitest run "$@"
