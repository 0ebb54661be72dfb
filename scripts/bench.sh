#!/usr/bin/env bash
# bench.sh builds cmd/rd-bench and runs it with the DynamoDB-compatible
# servers of scripts/test-servers.sh (which installs dynalite when needed),
# from the module root, so that BENCHMARKS.md is written there. Flags go to
# rd-bench:
#
#   scripts/bench.sh                      # every section, writes BENCHMARKS.md
#   scripts/bench.sh -sections codec,sim  # some sections
#   scripts/bench.sh -h                   # rd-bench's flags
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bin=$(mktemp -d "${TMPDIR:-/tmp}/rd-bench.XXXXXX")
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/rd-bench" ./cmd/rd-bench
export RD_BENCH_COMMAND="scripts/bench.sh"
scripts/test-servers.sh "$bin/rd-bench" "$@"
