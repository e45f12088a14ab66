#!/usr/bin/env bash
# Regenerates the parser (src/) from grammar.js, and the stamp that the tests
# compare with grammar.js so that one is never changed without the other.
# Needs the tree-sitter CLI: `cargo install --locked tree-sitter-cli`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
tree-sitter generate
# FNV-1a (64 bits) of grammar.js, as tests/grammar.rs computes it
python3 - <<'PY'
h = 0xcbf29ce484222325
for b in open('grammar.js', 'rb').read():
    h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
open('src/grammar.js.fnv1a', 'w').write('%016x\n' % h)
PY
echo "generated src/ from grammar.js"
