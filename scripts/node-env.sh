# Sourced (POSIX sh) by the npm scripts and the shell scripts, from the
# project's root: the project's Node 24 (scripts/install-node.sh) goes first
# on PATH when it is there, and node-gyp builds native modules against that
# Node's own headers instead of downloading them.
if [ -x .tools/node/bin/node ]; then
	PATH="$(pwd)/.tools/node/bin:$PATH"
	export PATH
fi
guichet_node_home=$(dirname "$(dirname "$(command -v node)")")
if [ -f "$guichet_node_home/include/node/common.gypi" ]; then
	npm_config_nodedir="$guichet_node_home"
	export npm_config_nodedir
fi
unset guichet_node_home
