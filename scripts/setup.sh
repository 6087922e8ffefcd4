#!/usr/bin/env bash
# One-time install on a Debian 12 machine: Debian packages, npm packages and
# the mediasoup worker. Safe to run again (everything is cached).
#
# Where GitHub is reachable, mediasoup's own postinstall downloads a prebuilt
# worker. On a closed network it can't, so the worker is built from the npm
# package's sources against Debian's libraries (../shared/tools/mediasoup-worker,
# or WORKER_BUILD_SCRIPT) with libsrtp built on OpenSSL
# (scripts/build-libsrtp.sh), or taken from MEDIASOUP_WORKER_BIN if you
# already have one. Either way it is copied to mediasoup's default path, so
# `npm start` needs no extra variable.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(chromium redis-server coturn iproute2 util-linux janus espeak-ng sox sip-tester baresip)
WORKER_BUILD_SCRIPT="${WORKER_BUILD_SCRIPT:-../shared/tools/mediasoup-worker/build-worker.sh}"
WORKER_DEST=node_modules/mediasoup/worker/out/Release/mediasoup-worker
# Kept apart from a worker built against Debian's own libsrtp2 (same version, other crypto).
WORKER_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/mediasoup-worker/3.19.3-srtp-openssl/mediasoup-worker"
WORKER_CACHE_NSS="${XDG_CACHE_HOME:-$HOME/.cache}/mediasoup-worker/3.19.3/mediasoup-worker"

log() { printf '\n== %s\n' "$*"; }

if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null && [[ "${SKIP_APT:-0}" != 1 ]]; then
	log "Debian packages: ${APT_PACKAGES[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${APT_PACKAGES[@]}" >/dev/null
fi

if [[ -z "${MEDIASOUP_WORKER_BIN:-}" && -x "$WORKER_BUILD_SCRIPT" ]]; then
	install_deps=0
	[[ "$(id -u)" == 0 ]] && install_deps=1
	if ((install_deps)) && [[ "${SKIP_APT:-0}" != 1 ]]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends make gcc libssl-dev dpkg-dev >/dev/null
	fi
	# libsrtp on OpenSSL instead of Debian's NSS build: twice the packets per
	# core (see scripts/build-libsrtp.sh and BENCHMARKS.md).
	log "libsrtp on OpenSSL: scripts/build-libsrtp.sh (cached after the first time)"
	srtp_env=()
	worker_out="$WORKER_CACHE"
	if srtp_prefix="$(bash scripts/build-libsrtp.sh | tail -n 1)"; then
		srtp_env=(PKG_CONFIG_PATH="$srtp_prefix/lib/pkgconfig")
	else
		# Still a working worker, just a slower one: say so loudly rather than stop here.
		echo "WARNING: libsrtp could not be built on OpenSSL (no Debian source archive?); the worker" \
			"links Debian's libsrtp2 (NSS) and forwards about half as many packets per core" >&2
		worker_out="$WORKER_CACHE_NSS"
	fi
	log "mediasoup worker: building offline with $WORKER_BUILD_SCRIPT (cached after the first time)"
	env "${srtp_env[@]}" OUT="$worker_out" INSTALL_APT_DEPS=$install_deps \
		"$WORKER_BUILD_SCRIPT" >/tmp/guichet-worker-build.log 2>&1 ||
		{ tail -n 30 /tmp/guichet-worker-build.log; exit 1; }
	MEDIASOUP_WORKER_BIN="$(tail -n 1 /tmp/guichet-worker-build.log)"
	if ((${#srtp_env[@]})) && ldd "$MEDIASOUP_WORKER_BIN" | grep -q 'libsrtp2\.so'; then
		echo "the worker links Debian's libsrtp2 (NSS), not the OpenSSL one built above" >&2
		exit 1
	fi
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
log "ready: npm start (http://localhost:3000), npm test"
