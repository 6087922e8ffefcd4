#!/usr/bin/env bash
# Builds the mediasoup worker (the C++ SFU) on Debian 12 with no access to
# GitHub: only the npm registry (for mediasoup's own tarball) and Debian's
# archive. It prints the binary's path on its last line.
#
#   apt-get update
#   INSTALL_APT_DEPS=1 deploy/mediasoup-worker/build.sh      # ~5-7 min on 2 cores
#   export MEDIASOUP_WORKER_BIN="$(deploy/mediasoup-worker/build.sh | tail -n 1)"   # cached: instant
#
# Why a build of our own: mediasoup's `npm install` downloads a prebuilt worker
# from GitHub, and failing that builds with meson subprojects that are also
# downloaded. Here the worker links Debian's libraries instead (the patch next
# to this file adapts meson.build and three sources: the libsrtp 2 API, a
# stand-in for the header-only ankerl::unordered_dense that Debian lacks, and
# a DTLS fix without which Debian's KTLS-enabled OpenSSL crashes the worker on
# the first browser handshake), and libsrtp is built on OpenSSL by
# libsrtp.sh (Debian's libsrtp2 uses NSS and halves the packets per core).
#
# The version built is the one package.json pins, and the tarball must match
# the integrity that package-lock.json records: the worker never checks that
# it belongs to its Node package, so a mismatch would fail at run time.
#
# Environment (all optional):
#   INSTALL_APT_DEPS=1  apt-get install the build packages first (root)
#   SRTP=debian         link Debian's libsrtp2 (NSS) instead of building libsrtp on OpenSSL
#   OUT                 where the binary goes (default: a cache per version and crypto)
#   TARBALL             a mediasoup-X.Y.Z.tgz already at hand instead of `npm pack`
#   FORCE=1             rebuild even when the cached binary is current
#   JOBS                parallel compile jobs (default: nproc)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
log() { printf '\n== %s\n' "$*" >&2; }
die() { echo "build.sh: $*" >&2; exit 1; }

command -v node >/dev/null || die "node is needed (to read package.json); run scripts/install-node.sh"
lock_info="$(node -e '
  const pkg = require(process.argv[1] + "/package.json");
  const lock = require(process.argv[1] + "/package-lock.json");
  const entry = lock.packages["node_modules/mediasoup"];
  if (!entry || entry.version !== pkg.dependencies.mediasoup) {
    console.error("package.json and package-lock.json disagree on mediasoup; run npm install");
    process.exit(1);
  }
  console.log(entry.version, entry.integrity);' "$root")" || die "cannot read the mediasoup pin"
read -r version integrity <<<"$lock_info"
patch_file="$here/mediasoup-${version}-debian12.patch"
[[ -f "$patch_file" ]] || die "no patch for mediasoup $version ($patch_file); write one for this version"

crypto="${SRTP:-openssl}"
[[ "$crypto" == openssl || "$crypto" == debian ]] || die "SRTP must be 'openssl' or 'debian', not '$crypto'"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/guichet"
OUT="${OUT:-$cache/mediasoup-worker-${version}-srtp-${crypto}/mediasoup-worker}"

build_packages=(meson ninja-build pkg-config g++ make patch libssl-dev libuv1-dev libabsl-dev
	libflatbuffers-dev flatbuffers-compiler dpkg-dev)
[[ "$crypto" == debian ]] && build_packages+=(libsrtp2-dev)
if [[ "${INSTALL_APT_DEPS:-0}" == 1 ]]; then
	log "apt-get install ${build_packages[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${build_packages[@]}" >&2
fi
for tool in meson ninja pkg-config flatc c++ patch npm; do
	command -v "$tool" >/dev/null || die "missing $tool: run with INSTALL_APT_DEPS=1 (needs root)"
done

# libsrtp first: its prefix is part of what the cached worker was built from.
pkg_config_path="${PKG_CONFIG_PATH:-}"
if [[ "$crypto" == openssl ]]; then
	srtp_prefix="$(bash "$here/libsrtp.sh" | tail -n 1)"
	pkg_config_path="$srtp_prefix/lib/pkgconfig${pkg_config_path:+:$pkg_config_path}"
fi

stamp="$version $crypto $(cat "$patch_file" "${BASH_SOURCE[0]}" | sha256sum | cut -d' ' -f1)"
if [[ "${FORCE:-0}" != 1 && -x "$OUT" && "$(cat "$OUT.stamp" 2>/dev/null)" == "$stamp" ]]; then
	echo "cached worker reused: $OUT" >&2
	echo "$OUT"
	exit 0
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/guichet-worker.XXXXXX")"
trap 'rm -rf "$work"' EXIT
started=$(date +%s)

if [[ -z "${TARBALL:-}" ]]; then
	log "npm pack mediasoup@$version"
	(cd "$work" && npm pack "mediasoup@$version" --silent >/dev/null)
	TARBALL="$work/mediasoup-$version.tgz"
fi
actual="sha512-$(openssl dgst -sha512 -binary "$TARBALL" | base64 -w0)"
[[ "$actual" == "$integrity" ]] || die "$TARBALL: integrity $actual, package-lock.json has $integrity"
tar xzf "$TARBALL" -C "$work"

log "patch: $(basename "$patch_file")"
(cd "$work/package" && patch -p1 --forward --quiet <"$patch_file")

log "meson: system libraries only (--wrap-mode=nodownload), libsrtp: $crypto"
PKG_CONFIG_PATH="$pkg_config_path" meson setup "$work/build" "$work/package/worker" \
	--buildtype release -Db_ndebug=true --wrap-mode=nodownload >"$work/setup.log" 2>&1 ||
	{ tail -n 30 "$work/setup.log" >&2; die "meson setup failed"; }
# The flatbuffers headers first, as mediasoup's own tasks.py does: the
# libwebrtc target uses them without declaring it.
meson compile -C "$work/build" flatbuffers-generator >"$work/compile.log" 2>&1 &&
	meson compile -C "$work/build" -j "${JOBS:-$(nproc)}" mediasoup-worker >>"$work/compile.log" 2>&1 ||
	{ tail -n 30 "$work/compile.log" >&2; die "compile failed"; }

binary="$work/build/mediasoup-worker"
if [[ "$crypto" == openssl ]] && ldd "$binary" | grep -q 'libsrtp2\.so'; then
	die "the worker links Debian's libsrtp2 (NSS), not the libsrtp built on OpenSSL"
fi
mkdir -p "$(dirname "$OUT")"
# Copy then rename: a worker still running from $OUT keeps its old file.
cp "$binary" "$OUT.new"
mv -f "$OUT.new" "$OUT"
echo "$stamp" >"$OUT.stamp"
log "built in $(($(date +%s) - started)) s: $OUT; it needs: $(ldd "$OUT" | awk '$1 !~ /^\// {print $1}' | tr '\n' ' ')"
echo "$OUT"
