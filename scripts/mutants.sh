#!/usr/bin/env bash
# Mutation testing of the access rules (schema/src/policy) and the event
# fan-out (schema/src/events): cargo-mutants changes one thing at a time
# (a condition flipped, a refusal replaced by Ok, a function emptied) and the
# tests must fail for each. A mutant that survives is a rule no test holds.
#
# Not part of .ci/run: every mutant is a rebuild, and on two cores the whole
# run takes hours (README, "Checks"). Results go to mutants.out/ (outcomes.json,
# caught.txt, missed.txt, unviable.txt, timeout.txt).
#
# Two passes, so that cheap tests go first:
#   1. the schema crate's unit tests, for the files that decide without a
#      database (the roles, the read table as data, the write rules, admin)
#      and the hub's fan-out (its unit tests use a pool that cannot connect);
#   2. for what pass 1 left alive only (`--iterate`), the end-to-end tests
#      that exercise access and events against real PostgreSQL and Redis.
# A pass can be interrupted and resumed: `--iterate` skips what is caught.
#
# Usage: scripts/mutants.sh [unit|e2e|all] [extra cargo-mutants args, e.g. --shard 1/4]
set -euo pipefail
cd "$(dirname "$0")/.."

version=27.1.0
if ! cargo mutants --version 2>/dev/null | grep -q "$version"; then
  echo "installing cargo-mutants $version"
  cargo install --locked --quiet --version "$version" cargo-mutants
fi

pass="${1:-all}"; shift || true
files=(-f 'schema/src/policy/*.rs' -f 'schema/src/events/*.rs')
pure=(-f schema/src/policy/mod.rs -f schema/src/policy/read.rs -f schema/src/policy/write.rs -f schema/src/policy/admin.rs
      -f schema/src/events/hub.rs -f schema/src/events/mod.rs)
out=mutants.out

# The end-to-end modules whose subject is access, the access log, consent,
# the lifecycle or events; the rest of the suite (limits, deploy, clients,
# browser…) cannot notice a mutant of these files.
e2e_filters=(authz access_log consent_edges lifecycle security listing realtime faults instances deadlines protocol acceptance)

if [ "$pass" = unit ] || [ "$pass" = all ]; then
  cargo mutants "${pure[@]}" --iterate --output . --test-package stafett-schema "$@" -- --lib || true
fi
if [ "$pass" = e2e ] || [ "$pass" = all ]; then
  # cargo-mutants 27.1 runs its baseline with the tests of the mutated
  # package, whatever --test-package says (lab.rs, run_baseline), and the
  # schema crate has no e2e target: so the baseline is skipped (CI runs the
  # same tests unmutated) and the timeout is set by hand, four times the
  # ~100 s these filters take on two cores.
  cargo mutants "${files[@]}" --iterate --output . --test-package stafett-tests --baseline=skip \
    --timeout 420 --build-timeout 600 "$@" -- --test e2e -- "${e2e_filters[@]}" || true
fi
echo "caught: $(wc -l < $out/caught.txt 2>/dev/null || echo 0)  missed: $(wc -l < $out/missed.txt 2>/dev/null || echo 0)  unviable: $(wc -l < $out/unviable.txt 2>/dev/null || echo 0)  timeout: $(wc -l < $out/timeout.txt 2>/dev/null || echo 0)"
[ ! -s "$out/missed.txt" ]
