#!/usr/bin/env bash
# test-servers.sh starts the DynamoDB-compatible servers that the tests run
# against, runs the command given as arguments with their addresses in the
# environment, and stops the servers when the command ends (or fails, or is
# interrupted). Its exit status is the command's.
#
#   scripts/test-servers.sh go test ./ddb/
#
# It installs dynalite 4.0.0 from .ci/package-lock.json (npm ci) when
# .ci/node_modules lacks it, and needs moto_server on PATH (moto 5 with its
# Flask server). Both listen on free ports of 127.0.0.1. The command sees:
#
#   RD_DYNALITE_URL  http://127.0.0.1:PORT of dynalite
#   RD_MOTO_URL      http://127.0.0.1:PORT of moto_server
#   RD_REQUIRE_SERVERS=1, so that a test missing a server fails, not skips
#
# Server logs go to a temporary directory, printed when a server fails.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ $# -eq 0 ]]; then
	echo "usage: $0 COMMAND [ARG...]" >&2
	exit 2
fi

fail() {
	echo "test-servers: $*" >&2
	exit 1
}

# Check the tools before starting anything.
command -v node >/dev/null || fail "node is not installed (needed for dynalite)"
command -v npm >/dev/null || fail "npm is not installed (needed to install dynalite)"
command -v curl >/dev/null || fail "curl is not installed (needed to wait for the servers)"
# moto_server comes with the machine's Python; a non-interactive shell may
# lack pyenv's shims on PATH, so look there and for the module too.
if command -v moto_server >/dev/null; then
	moto=(moto_server)
elif [[ -x ${PYENV_ROOT:-$HOME/.pyenv}/shims/moto_server ]]; then
	moto=("${PYENV_ROOT:-$HOME/.pyenv}/shims/moto_server")
elif command -v python3 >/dev/null && python3 -c 'import moto.server' 2>/dev/null; then
	moto=(python3 -m moto.server)
else
	fail "moto_server not found: install moto 5 with its server (pip install 'moto[server]')"
fi

dynalite="$root/.ci/node_modules/dynalite/cli.js"
if [[ ! -f $dynalite ]]; then
	echo "test-servers: installing dynalite (npm ci in .ci/)" >&2
	(cd "$root/.ci" && npm ci --no-audit --no-fund --loglevel=error) ||
		fail "npm ci in .ci/ failed"
fi
version=$(node -p "require('$root/.ci/node_modules/dynalite/package.json').version")
[[ $version == 4.0.0 ]] || fail "dynalite $version is installed in .ci/, want 4.0.0"

logs=$(mktemp -d "${TMPDIR:-/tmp}/rd-test-servers.XXXXXX")
pids=()
stop() {
	local pid
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$logs"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# free_port prints a TCP port of 127.0.0.1 that nothing listens on now. It
# picks below 32768, where Linux does not hand out ports for outgoing
# connections, so that a client's connection cannot take it before the
# server binds it.
free_port() {
	local port
	for _ in $(seq 100); do
		port=$((20000 + RANDOM % 12000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return
		fi
	done
	fail "no free port found on 127.0.0.1"
}

# fake_auth is a syntactically valid signature; neither server checks it.
fake_auth='AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/dynamodb/aws4_request,'
fake_auth+=' SignedHeaders=host;x-amz-date, Signature=0'

# wait_ready waits until the server at $2 answers a DynamoDB ListTables
# request. It returns 1 if the process $3 exits first and fails the run if
# 60 seconds pass.
wait_ready() {
	local name=$1 url=$2 pid=$3 log=$4
	for _ in $(seq 600); do
		if curl -fsS -o /dev/null -X POST "$url/" \
			-H 'Content-Type: application/x-amz-json-1.0' \
			-H 'X-Amz-Target: DynamoDB_20120810.ListTables' \
			-H 'X-Amz-Date: 20240101T000000Z' -H "Authorization: $fake_auth" \
			-d '{}' 2>/dev/null; then
			echo "test-servers: $name ready at $url" >&2
			return 0
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			return 1
		fi
		sleep 0.1
	done
	cat "$log" >&2
	fail "$name did not answer at $url within 60 s"
}

# start NAME VAR CMD... starts the server CMD on a free port (@PORT@ in CMD's
# words stands for it), waits until it answers and exports its URL in VAR. A
# server that exits before answering (another process took the port in
# between, say) is started again on another port, three times at most.
start() {
	local name=$1 var=$2 port url log try
	shift 2
	log="$logs/$name.log"
	for try in 1 2 3; do
		port=$(free_port)
		url="http://127.0.0.1:$port"
		"${@//@PORT@/$port}" >"$log" 2>&1 &
		pids+=($!)
		if wait_ready "$name" "$url" "${pids[-1]}" "$log"; then
			export "$var=$url"
			return
		fi
		echo "test-servers: $name exited before answering (try $try):" >&2
		tail -n 5 "$log" >&2
	done
	cat "$log" >&2
	fail "$name did not start"
}

start dynalite RD_DYNALITE_URL node --require "$root/scripts/dynalite-guard.js" "$dynalite" \
	--host 127.0.0.1 --port @PORT@ --createTableMs 0 --deleteTableMs 0 --updateTableMs 0
start moto_server RD_MOTO_URL "${moto[@]}" -H 127.0.0.1 -p @PORT@

export RD_REQUIRE_SERVERS=1
status=0
"$@" || status=$?
exit "$status"
