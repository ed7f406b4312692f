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
pure=(-f schema/src/policy/mod.rs -f schema/src/policy/read.rs -f schema/src/policy/write.rs -f schema/src/policy/admin.rs
      -f schema/src/events/hub.rs -f schema/src/events/mod.rs)
out=mutants.out

# The end-to-end pass, per group of files with the modules that exercise
# them, run by cargo-nextest: it stops at a mutant's first failing test (a
# broken access rule otherwise makes many tests wait for their timeouts), so
# a caught mutant costs its build and seconds, not the whole group.
policy=(-f 'schema/src/policy/*.rs')
events=(-f 'schema/src/events/*.rs')
access_tests='test(/^(authz_read|authz_existence|authz_inputs|authz_random|listing|lifecycle|consent_edges|access_log|security|authz_write)::/) or test(realtime::a_subscription_to_all_logs)'
event_tests='test(/^(hub|realtime|receipts|faults|instances|deadlines|protocol)::/)'
if [ "$pass" != unit ] && ! cargo nextest --version >/dev/null 2>&1; then
  echo "the e2e pass needs cargo-nextest (cargo install --locked cargo-nextest)" >&2
  exit 2
fi

if [ "$pass" = unit ] || [ "$pass" = all ]; then
  cargo mutants "${pure[@]}" --iterate --output . --test-package stafett-schema "$@" -- --lib || true
fi
# cargo-mutants 27.1 runs its baseline with the tests of the mutated
# package, whatever --test-package says (lab.rs, run_baseline), and the
# schema crate has no e2e target: so the baseline is skipped (CI runs the
# same tests unmutated) and the timeout is set by hand, about twice what
# the slowest group takes on two cores.
e2e() {
  local -n files=$1
  cargo mutants "${files[@]}" --iterate --output . --test-package stafett-tests --baseline=skip \
    --timeout 240 --build-timeout 600 --test-tool nextest "${extra[@]}" -- --test e2e -E "$2" || true
}
extra=("$@")
if [ "$pass" = e2e ] || [ "$pass" = all ]; then
  e2e events "$event_tests"
  e2e policy "$access_tests"
fi
# With --iterate each run's caught.txt holds its own catches; the earlier
# ones are in previously_caught.txt (with the unviable).
count() { cat "$@" 2>/dev/null | wc -l; }
echo "caught or unviable before: $(count $out/previously_caught.txt)  caught: $(count $out/caught.txt)" \
  " missed: $(count $out/missed.txt)  unviable: $(count $out/unviable.txt)  timeout: $(count $out/timeout.txt)"
[ ! -s "$out/missed.txt" ]
