#!/usr/bin/env bash
# One-time install on a Debian 12 machine: Debian packages, Node 24, the
# mediasoup worker, the npm packages, then a build. Safe to run again:
# everything is cached under ~/.cache/guichet.
#
# - Node: when the host's node is older than 24, scripts/install-node.sh
#   unpacks the official Node 24 binary from the npm registry into the cache
#   and links it at .tools/node; the host's node is left alone, and the
#   project's npm scripts use .tools/node (scripts/node-env.sh).
# - The mediasoup worker is built from the npm package's sources against
#   Debian's libraries, with libsrtp on OpenSSL (deploy/mediasoup-worker/),
#   because mediasoup's own install downloads it from GitHub. Set
#   MEDIASOUP_WORKER_BIN to use a worker you already have, or
#   MEDIASOUP_WORKER=download where GitHub is reachable.
# The worker is copied to mediasoup's default path, so `npm start` needs no
# extra variable.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(chromium firefox-esr redis-server coturn iproute2 util-linux janus openssl ca-certificates docker-compose
	espeak-ng sox sip-tester baresip)
WORKER_DEST=node_modules/mediasoup/worker/out/Release/mediasoup-worker
is_root=0
[[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null && [[ "${SKIP_APT:-0}" != 1 ]] && is_root=1

log() { printf '\n== %s\n' "$*"; }

if ((is_root)); then
	log "Debian packages: ${APT_PACKAGES[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${APT_PACKAGES[@]}" >/dev/null
fi

log "Node.js 24"
bash scripts/install-node.sh >/dev/null
# shellcheck source=node-env.sh
. scripts/node-env.sh
echo "using node $(node --version) at $(command -v node), npm $(npm --version)"

if [[ -z "${MEDIASOUP_WORKER_BIN:-}" && "${MEDIASOUP_WORKER:-build}" == build ]]; then
	srtp=openssl
	if ((is_root)); then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends make gcc libssl-dev dpkg-dev >/dev/null
	fi
	# libsrtp on OpenSSL instead of Debian's NSS build: twice the packets per
	# core (BENCHMARKS.md). Without Debian's source archive, fall back loudly.
	if ! bash deploy/mediasoup-worker/libsrtp.sh >/tmp/guichet-libsrtp.log 2>&1; then
		tail -n 5 /tmp/guichet-libsrtp.log >&2
		echo "WARNING: libsrtp could not be built on OpenSSL (no Debian source archive?); the worker" \
			"links Debian's libsrtp2 (NSS) and forwards about half as many packets per core" >&2
		srtp=debian
	fi
	log "mediasoup worker: deploy/mediasoup-worker/build.sh, libsrtp on $srtp (cached after the first time)"
	SRTP=$srtp INSTALL_APT_DEPS=$is_root bash deploy/mediasoup-worker/build.sh >/tmp/guichet-worker-build.log 2>&1 ||
		{ tail -n 30 /tmp/guichet-worker-build.log; exit 1; }
	MEDIASOUP_WORKER_BIN="$(tail -n 1 /tmp/guichet-worker-build.log)"
fi

if [[ -n "${MEDIASOUP_WORKER_BIN:-}" ]]; then
	[[ -x "$MEDIASOUP_WORKER_BIN" ]] || { echo "MEDIASOUP_WORKER_BIN=$MEDIASOUP_WORKER_BIN is not an executable file" >&2; exit 1; }
	# Set during `npm ci`, it makes mediasoup's postinstall skip its download.
	export MEDIASOUP_WORKER_BIN
fi

log "npm ci"
npm ci --no-audit --no-fund

if [[ -n "${MEDIASOUP_WORKER_BIN:-}" ]]; then
	mkdir -p "$(dirname "$WORKER_DEST")"
	cp "$MEDIASOUP_WORKER_BIN" "$WORKER_DEST"
	log "mediasoup worker installed at $WORKER_DEST (from $MEDIASOUP_WORKER_BIN)"
elif [[ ! -x "$WORKER_DEST" ]]; then
	echo "No mediasoup worker: set MEDIASOUP_WORKER_BIN to a worker built for this host (see deploy/README.md)" >&2
	exit 1
fi

log "build"
npm run build --silent
log "ready on node $(node --version): npm start (http://localhost:3000), npm test"
