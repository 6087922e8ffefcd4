#!/usr/bin/env bash
# Gives the project Node.js 24 LTS when the host's own node is older, without
# touching the host's node: the official binary comes from the npm registry's
# node-linux-<arch> package (the same build as nodejs.org's tarball, headers
# included, so native modules compile offline), is unpacked into a cache, and
# linked at .tools/node. scripts/node-env.sh then puts .tools/node/bin first on
# PATH for the project's own commands (npm start, npm test, setup) only.
#
# Prints the bin directory of the Node it settled on, on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=24.22.3
# dist.integrity of each package on the npm registry, checked before unpacking.
declare -A INTEGRITY=(
	[x64]='sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA=='
	[arm64]="${NODE_ARM64_INTEGRITY:-}"
)
log() { printf '%s\n' "$*" >&2; }

major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

host_node="$(command -v node || true)"
if [[ -n "$host_node" && "$(major "$host_node")" -ge 24 && "${FORCE_LOCAL_NODE:-0}" != 1 ]]; then
	log "Node $("$host_node" --version) at $host_node is recent enough: nothing installed"
	dirname "$host_node"
	exit 0
fi

case "$(uname -m)" in
x86_64) arch=x64 ;;
aarch64) arch=arm64 ;;
*) log "no Node $VERSION package for $(uname -m): install Node 24 yourself"; exit 1 ;;
esac
dest="${GUICHET_NODE_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/guichet}/node-v$VERSION-linux-$arch"

if [[ ! -x "$dest/bin/node" || "$("$dest/bin/node" --version 2>/dev/null)" != "v$VERSION" ]]; then
	work="$(mktemp -d)"
	trap 'rm -rf "$work"' EXIT
	log "fetching node-linux-$arch@$VERSION from the npm registry"
	(cd "$work" && npm pack "node-linux-$arch@$VERSION" --silent >/dev/null)
	tarball="$work/node-linux-$arch-$VERSION.tgz"
	expected="${INTEGRITY[$arch]}"
	[[ -n "$expected" ]] || expected="$(npm view "node-linux-$arch@$VERSION" dist.integrity)"
	actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
	[[ "$actual" == "$expected" ]] || { log "node-linux-$arch@$VERSION: integrity $actual, expected $expected"; exit 1; }
	tar xzf "$tarball" -C "$work"
	chmod +x "$work/package/bin/node"
	mkdir -p "$(dirname "$dest")"
	rm -rf "$dest.new" && mv "$work/package" "$dest.new" && rm -rf "$dest" && mv "$dest.new" "$dest"
fi

mkdir -p .tools
ln -sfn "$dest" .tools/node
log "Node $VERSION is at $dest (linked as .tools/node)."
log "The host's node ${host_node:+($("$host_node" --version) at $host_node) }is untouched; the project's"
log "npm scripts put .tools/node/bin first on PATH (scripts/node-env.sh)."
echo "$dest/bin"
