#!/usr/bin/env bash
# Builds the VS Code extension from a clean install and runs the grammar's golden
# tests: what CI runs for editors/vscode. Needs node >= 20 and npm.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [[ -f package-lock.json ]]; then
  npm ci --no-audit --no-fund
else
  npm install --no-audit --no-fund
fi
npm run --silent check:grammar   # syntaxes/rights.tmLanguage.json is generated from build-grammar.mjs
npm run compile
npm run test:grammar
