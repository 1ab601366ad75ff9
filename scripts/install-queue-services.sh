#!/usr/bin/env bash
# Installs what the queue-mode suite (test/queue) and `npm run bench -- --queue` need besides n8n: Debian's
# redis-server and PostgreSQL. Idempotent: does nothing when `redis-server` is on PATH and a PostgreSQL
# server is under /usr/lib/postgresql/<version>/bin. Prints the PostgreSQL bin folder on its last line.
# Needs root (CI runs as root) or passwordless sudo to install; nothing is started here.
set -euo pipefail

LOG_TAG="install-queue-services"
LOG_ERROR="error"
LOG_FD=2 # stdout is kept for the PostgreSQL bin folder, which callers read
# log/fail and detect_sudo/apt_get_update, shared with the other installers.
# shellcheck source=lib/installSupport.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/installSupport.sh"

# The newest PostgreSQL server Debian installed (postgresql-15 on bookworm).
postgres_bin() {
	local dir
	for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r); do
		if [ -x "$dir/postgres" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_dump" ]; then
			echo "$dir"
			return 0
		fi
	done
	return 1
}

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
postgres_bin >/dev/null || missing+=(postgresql)

if [ "${#missing[@]}" -gt 0 ]; then
	detect_sudo ||
		fail "${missing[*]} missing and installing needs root; run as root: apt-get update && apt-get install -y ${missing[*]}"
	command -v apt-get >/dev/null 2>&1 ||
		fail "${missing[*]} missing and there is no apt-get here (not Debian/Ubuntu); install them yourself"
	export DEBIAN_FRONTEND=noninteractive
	apt_get_update
	log "apt-get install -y ${missing[*]} (about a minute)…"
	# policy-rc.d 101: the packages' post-install scripts must not start system-wide services (no systemd here;
	# the suite starts its own Redis and PostgreSQL on ports of its own).
	policy=/usr/sbin/policy-rc.d
	own_policy=0
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$policy" >/dev/null
		"${SUDO[@]}" chmod +x "$policy"
		own_policy=1
	fi
	status=0
	"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 || status=$?
	[ "$own_policy" -eq 1 ] && "${SUDO[@]}" rm -f "$policy"
	[ "$status" -eq 0 ] || fail "apt-get install ${missing[*]} failed (see above)"
fi

command -v redis-server >/dev/null 2>&1 || fail "redis-server is still missing after the install"
bin="$(postgres_bin)" || fail "no PostgreSQL server under /usr/lib/postgresql/*/bin after the install"
log "redis-server: $(redis-server --version | cut -d' ' -f3); PostgreSQL: $("$bin/postgres" --version)"
echo "$bin"
