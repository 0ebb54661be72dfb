#!/usr/bin/env bash
# test.sh runs every test of the module, those against dynalite and
# moto_server included, then go vet. It is the README's test command and
# what .ci/run calls. Arguments are passed to go test, e.g.
#
#   scripts/test.sh -race -run Contract
#
# scripts/test-servers.sh installs and starts the servers and sets
# RD_REQUIRE_SERVERS=1, so a server that cannot start fails the run. The
# output shows one line per package, the contract suite's count of checks
# per engine ("tabletest: N checks passed on ...") and, when a test fails,
# the whole verbose log.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

log=$(mktemp "${TMPDIR:-/tmp}/rd-test.XXXXXX")
trap 'rm -f "$log"' EXIT

# The ddb package runs three client suites on moto_server, which answers
# slowly; give a test binary more than go test's default ten minutes.
status=0
scripts/test-servers.sh go test -v -timeout 30m "$@" ./... >"$log" 2>&1 || status=$?
if [[ $status -ne 0 ]]; then
	cat "$log"
	echo "test.sh: go test failed (exit $status)" >&2
	exit "$status"
fi
grep -E '^(ok|FAIL|\?|panic:|tabletest:|test-servers:)' "$log" || true

go vet ./...
echo "test.sh: all tests passed, go vet is clean"
