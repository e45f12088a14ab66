#!/usr/bin/env bash
# Builds the VS Code extension from a clean install and runs its tests: what CI
# runs for editors/vscode. Needs node >= 20 and npm.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [[ -f package-lock.json ]]; then
  npm ci --no-audit --no-fund
else
  npm install --no-audit --no-fund
fi
npm run --silent check:grammar   # syntaxes/rights.tmLanguage.json is generated from build-grammar.mjs
npm run compile                  # type check (tsc) and the bundle (esbuild) -> out/extension.js
npm run test:unit                # the client's decisions, and activation of the bundle
npm run test:grammar
# the package: the bundle, the grammar, the schema, LICENSE; no node_modules
files=$(npx vsce ls 2>/dev/null)
for want in out/extension.js LICENSE syntaxes/rights.tmLanguage.json schemas/rights-data.schema.json; do
  grep -qx "$want" <<<"$files" || { echo "the package lacks $want"; exit 1; }
done
if grep -q node_modules <<<"$files"; then echo "the package holds node_modules"; exit 1; fi
out=$(mktemp -d)
npx vsce package --allow-missing-repository --out "$out/rights.vsix" >"$out/log" 2>&1 || { cat "$out/log"; exit 1; }
echo "package: $(wc -l <<<"$files") files, $(du -k "$out/rights.vsix" | cut -f1) KB"
rm -rf "$out"
