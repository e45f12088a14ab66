#!/bin/sh
# Builds the Zed dev extension for Rights from this clone, in OUT (default:
# target/zed-rights of the clone): then, in Zed, `zed: extensions` →
# "Install Dev Extension" → choose OUT. Zed fetches the tree-sitter grammar
# from this clone with git (as of its last commit, HEAD), builds it and the
# extension's crate (it needs the `wasm32-wasip2` target of rustup), and
# starts `rights lsp` from the PATH.
set -eu
here=$(CDPATH='' cd -P -- "$(dirname -- "$0")" && pwd)
root=$(git -C "$here" rev-parse --show-toplevel)
out=${1:-$root/target/zed-rights}
commit=$(git -C "$root" rev-parse HEAD)
if [ -n "$(git -C "$root" status --porcelain -- editors/tree-sitter-rights)" ]; then
  echo "note: editors/tree-sitter-rights has changes not committed; Zed builds the grammar as of $commit" >&2
fi
case $root in
  *[!A-Za-z0-9/._~+@-]*) echo "error: the clone's path ($root) must be plain (letters, digits, / . _ ~ + @ -) to be a file:// address" >&2; exit 2 ;;
esac
# OUT is replaced only if it is empty or an extension this script wrote
if [ -e "$out" ] && [ -n "$(ls -A "$out")" ] && [ ! -f "$out/extension.toml" ]; then
  echo "error: $out is not empty and holds no extension.toml: choose another folder" >&2
  exit 2
fi
rm -rf "$out"
mkdir -p "$out/languages/rights"
cp -R "$here/Cargo.toml" "$here/Cargo.lock" "$here/src" "$out/"
cp "$here/languages/rights/config.toml" "$out/languages/rights/"
cp "$root/editors/tree-sitter-rights/queries/highlights.scm" "$out/languages/rights/"
sed -e "s|@REPOSITORY@|file://$root|" -e "s|@COMMIT@|$commit|" -e '/^# /d' \
  "$here/extension.toml.in" > "$out/extension.toml"
echo "$out"
