#!/usr/bin/env bash
# Seeds the fuzzers' corpora from the project's own policies, queries and data.
set -euo pipefail
cd "$(dirname "$0")"
for t in parse_policy check_pipeline fmt_roundtrip parse_query json_data; do mkdir -p "corpus/$t"; done
for f in ../policies/*.rights ../tests/data/reference.rights ../tests/semantics/*.rights ../tests/lint/*.rights ../tests/diagnostics/*.rights; do
  for t in parse_policy check_pipeline fmt_roundtrip; do cp "$f" "corpus/$t/"; done
done
grep -hv '^#' ../tests/queries/*.queries | grep -v '^$' | awk '{ print > ("corpus/parse_query/q" NR) }'
cp ../tests/data/extra_users.json ../tests/data/version3.json ../tests/diagnostics/*.json ../tests/data/language/*_data.json corpus/json_data/
