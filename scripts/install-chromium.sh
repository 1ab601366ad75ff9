#!/usr/bin/env bash
# Installs Debian's Chromium (/usr/bin/chromium) for the browser test (test/ui) and `npm run screenshots`.
# Playwright's own browser download does not work on these machines, so playwright-core drives Debian's
# build instead. Idempotent: does nothing when /usr/bin/chromium is already there.
# Needs root (CI runs as root) or passwordless sudo; CHROMIUM_PATH overrides the binary looked for.
set -euo pipefail

LOG_TAG="install-chromium"
LOG_ERROR="error"
# log/fail and detect_sudo/apt_get_update, shared with the other installers.
# shellcheck source=lib/installSupport.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/installSupport.sh"

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ]; then
	log "$CHROMIUM is already installed: $("$CHROMIUM" --version 2>/dev/null || echo 'version unknown')"
	exit 0
fi

detect_sudo ||
	fail "$CHROMIUM is missing and installing it needs root." "run as root: apt-get update && apt-get install -y chromium"
command -v apt-get >/dev/null 2>&1 ||
	fail "$CHROMIUM is missing and there is no apt-get here (not Debian/Ubuntu)." \
		"install Chromium yourself and set CHROMIUM_PATH to its binary."

export DEBIAN_FRONTEND=noninteractive
apt_get_update
log "apt-get install -y chromium (about 1-2 minutes)…"
"${SUDO[@]}" apt-get install -y -q --no-install-recommends chromium fonts-liberation ||
	fail "apt-get install chromium failed (see above)"

[ -x "$CHROMIUM" ] || fail "apt-get finished but $CHROMIUM is still missing"
log "installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
