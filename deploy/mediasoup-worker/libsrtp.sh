#!/usr/bin/env bash
# Builds libsrtp 2.5.0 (Debian 12's source package) as a static library on
# OpenSSL's crypto, for the offline mediasoup worker build; prints the
# install prefix on its last line. Cached: a second run does nothing.
#
# Why: Debian's libsrtp2 is built on NSS, so every packet's encryption goes
# through PKCS#11 (a lock and several indirections per call). In the
# forwarding benchmark that was a quarter of the worker's CPU, and a worker
# linked against it forwarded about half as many packets per core as one
# whose libsrtp uses OpenSSL (which mediasoup's own prebuilt worker does).
#
# Needs only Debian's archive: the source comes through apt with a private
# deb-src list (the machine's apt configuration is not touched).
set -euo pipefail

VERSION=2.5.0
ORIG_SHA256=8a43ef8e9ae2b665292591af62aa1a4ae41e468b6d98d8258f91478735da4e09
# The machine's own Debian mirror (deb822 sources), else deb.debian.org.
default_mirror() {
	awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null |
		grep -v security || echo http://deb.debian.org/debian
}
MIRROR="${DEBIAN_MIRROR:-$(default_mirror)}"
PREFIX="${LIBSRTP_PREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/guichet/libsrtp-${VERSION}-openssl}"

if [[ -f "$PREFIX/lib/libsrtp2.a" && -f "$PREFIX/lib/pkgconfig/libsrtp2.pc" ]]; then
	echo "cached libsrtp reused"
	echo "$PREFIX"
	exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR bookworm main" >"$work/sources.list"
apt_private=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=$work/none"
	-o "Dir::State::Lists=$work/lists" -o "APT::Sandbox::User=root")
apt-get "${apt_private[@]}" update -qq
(cd "$work" && apt-get "${apt_private[@]}" source --download-only -qq "libsrtp2=${VERSION}-3")

tarball="$work/libsrtp2_${VERSION}.orig.tar.gz"
echo "$ORIG_SHA256  $tarball" | sha256sum --check --quiet ||
	{ echo "libsrtp2_${VERSION}.orig.tar.gz: unexpected checksum" >&2; exit 1; }
tar xzf "$tarball" -C "$work"

cd "$work/libsrtp-${VERSION}"
# -fPIC: the static library is linked into the worker executable (PIE).
./configure --enable-openssl --prefix="$PREFIX" CFLAGS="-O2 -fPIC" >"$work/configure.log" 2>&1 ||
	{ tail -n 20 "$work/configure.log"; exit 1; }
grep -q "leverage OpenSSL crypto... yes" "$work/configure.log" ||
	{ echo "libsrtp: OpenSSL crypto not found (install libssl-dev)" >&2; exit 1; }
make -j "$(nproc)" libsrtp2.a >"$work/make.log" 2>&1 || { tail -n 20 "$work/make.log"; exit 1; }
make install >"$work/install.log" 2>&1 || { tail -n 20 "$work/install.log"; exit 1; }
echo "$PREFIX"
