#!/usr/bin/env bash
# Accessibility, offline and screenshot check of a site that `rights doc`
# wrote: installs axe-core and playwright-core from package-lock.json, then runs
# check.mjs in Debian's headless Chromium (.ci/install-browser installs it).
#
#   tests/doc/a11y/run.sh SITE_DIR SCREENSHOT_DIR
#   A11Y_SCRIPT=playground.mjs tests/doc/a11y/run.sh URL SCREENSHOT_DIR
#
# Exits 0 with "skipped: ..." where node, npm or /usr/bin/chromium is missing;
# otherwise with check.mjs's exit code (1: a serious or critical violation, a
# network request or a script error).
set -euo pipefail
if [[ $# -ne 2 ]]; then
  echo "usage: $0 SITE_DIR SCREENSHOT_DIR" >&2
  exit 2
fi
for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "skipped: $tool is missing; the doc accessibility check was not run"
    exit 0
  fi
done
if [[ ! -x /usr/bin/chromium ]]; then
  echo "skipped: /usr/bin/chromium is missing (.ci/install-browser installs it); the doc accessibility check was not run"
  exit 0
fi

# resolve both paths before leaving the caller's folder (a URL is taken as
# it is: the playground of `rights serve`, checked by $A11Y_SCRIPT)
if [[ $1 == http://* ]]; then
  site=$1
else
  site=$(cd "$1" && pwd)
fi
mkdir -p "$2"
shots=$(cd "$2" && pwd)
cd "$(dirname "${BASH_SOURCE[0]}")"

# playwright-core never downloads a browser; say so to any other playwright
# package too
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
log=$(mktemp)
if ! npm ci --no-audit --no-fund --loglevel=error >"$log" 2>&1; then
  cat "$log"
  rm -f "$log"
  echo "npm ci failed in $(pwd)" >&2
  exit 1
fi
rm -f "$log"
exec node "${A11Y_SCRIPT:-check.mjs}" "$site" "$shots"
