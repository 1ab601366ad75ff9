#!/usr/bin/env bash
# Installs Debian's Chromium (/usr/bin/chromium) for the browser test (test/ui) and `npm run screenshots`.
# Playwright's own browser download does not work on these machines, so playwright-core drives Debian's
# build instead. Idempotent: does nothing when /usr/bin/chromium is already there.
# Needs root (CI runs as root) or passwordless sudo; CHROMIUM_PATH overrides the binary looked for.
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ]; then
	echo "[install-chromium] $CHROMIUM is already installed: $("$CHROMIUM" --version 2>/dev/null || echo 'version unknown')"
	exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
	SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	SUDO=(sudo -n)
else
	echo "[install-chromium] error: $CHROMIUM is missing and installing it needs root." >&2
	echo "[install-chromium] run as root: apt-get update && apt-get install -y chromium" >&2
	exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "[install-chromium] error: $CHROMIUM is missing and there is no apt-get here (not Debian/Ubuntu)." >&2
	echo "[install-chromium] install Chromium yourself and set CHROMIUM_PATH to its binary." >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "[install-chromium] apt-get update…"
if ! "${SUDO[@]}" apt-get update -q; then
	echo "[install-chromium] error: apt-get update failed (is Debian's package mirror reachable?)" >&2
	exit 1
fi
echo "[install-chromium] apt-get install -y chromium (about 1-2 minutes)…"
if ! "${SUDO[@]}" apt-get install -y -q --no-install-recommends chromium fonts-liberation; then
	echo "[install-chromium] error: apt-get install chromium failed (see above)" >&2
	exit 1
fi

if [ ! -x "$CHROMIUM" ]; then
	echo "[install-chromium] error: apt-get finished but $CHROMIUM is still missing" >&2
	exit 1
fi
echo "[install-chromium] installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
