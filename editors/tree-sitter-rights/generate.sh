#!/usr/bin/env bash
# Regenerates the parser (src/) from grammar.js, and the stamp that the tests
# compare with grammar.js so that one is never changed without the other.
# Needs the tree-sitter CLI: `cargo install --locked tree-sitter-cli`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
tree-sitter generate
# FNV-1a (64 bits) of grammar.js and of the parser generated from it, as
# tests/grammar.rs computes them: a grammar changed without generating, or a
# parser edited by hand, fails the tests
python3 - <<'PY'
def fnv(path):
    h = 0xcbf29ce484222325
    for b in open(path, 'rb').read():
        h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    return '%016x' % h
open('src/grammar.js.fnv1a', 'w').write(fnv('grammar.js') + ' ' + fnv('src/parser.c') + '\n')
PY
echo "generated src/ from grammar.js"
