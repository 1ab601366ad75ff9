#!/usr/bin/env bash
# Installs n8n's verification scanner (@n8n/scan-community-package, pinned) into the git-ignored .cache/ folder
# of this repo, once. scripts/scan.js runs it; you rarely need to call this yourself.
#
#   scripts/scan-install.sh
#
# Layout (all under <repo>/.cache/, nothing is written elsewhere):
#   scan-community-package-<version>/node_modules/@n8n/scan-community-package/scanner/scanner.mjs
#   scan-community-package-<version>/.installed    marker written once the install is verified
#
# Why it is done this way:
# - The scanner depends on typescript 7, which has no JS API any more; its own @typescript-eslint parser then
#   fails on every .ts file. Its install folder therefore pins typescript 5.9.3 (a direct dependency plus an
#   `overrides` entry in that folder's package.json; the package's own package.json must not have `overrides`,
#   the scanner rejects the field).
# - Its lint plugin (@n8n/eslint-plugin-community-nodes) has n8n-workflow as a peer dependency: the same
#   n8n-workflow version as this repo's devDependencies is installed next to it.
# - The folder has its own package.json and .npmrc, so the repo's .npmrc does not apply there.
set -euo pipefail

SCANNER_VERSION="0.32.0"
TYPESCRIPT_VERSION="5.9.3"
RESOLVE_BEFORE="2026-10-26"

LOG_TAG="scan-install"
# log/fail, REPO_ROOT/CACHE_DIR, the marker check, the install lock and the install folder's npm project files.
# shellcheck source=lib/installSupport.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/installSupport.sh"

SCAN_DIR="$CACHE_DIR/scan-community-package-$SCANNER_VERSION"
SCANNER_PKG="$SCAN_DIR/node_modules/@n8n/scan-community-package"
MARKER="$SCAN_DIR/.installed"

command -v npm >/dev/null || fail "npm is not on PATH"
command -v node >/dev/null || fail "node is not on PATH"

N8N_WORKFLOW_VERSION="$(node -p "require('$REPO_ROOT/package.json').devDependencies['n8n-workflow'] || ''")"
[[ -n "$N8N_WORKFLOW_VERSION" ]] || fail "package.json has no devDependencies['n8n-workflow'] to install next to the scanner"
WANTED="scanner $SCANNER_VERSION, typescript $TYPESCRIPT_VERSION, n8n-workflow $N8N_WORKFLOW_VERSION"

# Prints why the install is not usable (and returns 1), or nothing. Resolution is checked from where the
# packages themselves resolve it: typescript from the parser the scanner uses, n8n-workflow from its lint plugin.
install_problem() {
	[[ -f "$SCANNER_PKG/scanner/scanner.mjs" ]] || { echo "$SCANNER_PKG/scanner/scanner.mjs is missing"; return 1; }
	(cd "$SCAN_DIR" && node -e '
		const [scanner, ts, workflow] = process.argv.slice(1);
		const path = require("path"), fs = require("fs");
		// Node'"'"'s lookup (node_modules folders upwards) by hand: some of these packages have no CommonJS entry
		// point or do not export "./package.json".
		const dirOf = (name, from) => {
			for (let dir = from; ; dir = path.dirname(dir)) {
				const candidate = path.join(dir, "node_modules", name);
				if (fs.existsSync(path.join(candidate, "package.json"))) return candidate;
				if (dir === path.dirname(dir)) throw new Error(`${name} is not resolvable from ${from}`);
			}
		};
		const versionFrom = (name, from) =>
			require(path.join(dirOf(name, dirOf(from, process.cwd())), "package.json")).version;
		const problems = [];
		const got = versionFrom("@n8n/scan-community-package", "@n8n/scan-community-package");
		if (got !== scanner) problems.push(`scanner is ${got}, not ${scanner}`);
		const gotTs = versionFrom("typescript", "@typescript-eslint/typescript-estree");
		if (gotTs !== ts) problems.push(`@typescript-eslint resolves typescript ${gotTs}, not ${ts}`);
		const gotWf = versionFrom("n8n-workflow", "@n8n/eslint-plugin-community-nodes");
		if (gotWf !== workflow) problems.push(`the lint plugin resolves n8n-workflow ${gotWf}, not ${workflow}`);
		if (problems.length) { console.log(problems.join("; ")); process.exit(1); }
	' "$SCANNER_VERSION" "$TYPESCRIPT_VERSION" "$N8N_WORKFLOW_VERSION" 2>&1 | tail -n 3) || return 1
}

report_installed() {
	log "$WANTED installed in ${SCAN_DIR#"$REPO_ROOT"/}"
}

# ---------------------------------------------------------------- already installed?
# The marker holds $WANTED: a change of the pinned versions (or of this repo's n8n-workflow) reinstalls.
exit_if_installed "$WANTED"

mkdir -p "$SCAN_DIR"
take_install_lock "$CACHE_DIR/.scan-install.lock" 10 "scanner install" "$SCAN_DIR"

log "installing $WANTED into ${SCAN_DIR#"$REPO_ROOT"/} (about 15 seconds, ~200 MB) ..."
START=$SECONDS
write_cache_project "$SCAN_DIR" "scan-community-package-cache" <<EOF
  "dependencies": {
    "@n8n/scan-community-package": "$SCANNER_VERSION",
    "n8n-workflow": "$N8N_WORKFLOW_VERSION",
    "typescript": "$TYPESCRIPT_VERSION"
  },
  "overrides": { "typescript": "$TYPESCRIPT_VERSION" }
EOF
# The folder's package.json changes when the versions do; a stale lock file would pin the old ones.
rm -f "$SCAN_DIR/package-lock.json"
# --before, as for n8n (scripts/install-n8n.sh): the scanner's dependencies are ranges, and a settled date gives
# every machine the same tree instead of whatever the registry published last.
(cd "$SCAN_DIR" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error --before="$RESOLVE_BEFORE" 9>&-) ||
	fail "npm install in $SCAN_DIR failed (see npm's messages above)"

log "verifying ..."
if ! problem="$(install_problem)"; then
	fail "the scanner was installed but is not usable: $problem"
fi
printf '%s\n' "$WANTED" >"$MARKER"
log "installed in $((SECONDS - START))s"
report_installed
