#!/usr/bin/env bash
# eng/test.sh — the one command that runs the whole test suite (README, CI).
#
#   eng/test.sh [extra dotnet test args...]      e.g. eng/test.sh --filter "FullyQualifiedName~Orders"
#
# Database source, decided once before the tests start (the tests create their own databases from it):
#   1. MM_TEST_CONNECTION_STRING, when set, is used as is;
#   2. else, when a Docker engine answers, it stays unset and the tests use Testcontainers;
#   3. else a local throwaway server is started with `MM_PG_FAST=1 eng/postgres.sh start` (fsync off —
#      fine for tests, never for benchmarks) and its connection string is exported.
# With CI=true the local server uses port 55433 unless MM_PG_PORT is set (so it cannot meet a developer's
# server on 55432) and is stopped again at the end if this script started it. Locally it is left running
# for the next run (`eng/postgres.sh stop` to stop it).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf 'test.sh: %s\n' "$*" >&2; }

stop_local_server=0
if [[ -n ${MM_TEST_CONNECTION_STRING:-} ]]; then
  log "database: MM_TEST_CONNECTION_STRING from the environment"
elif command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1; then
  log "database: Testcontainers (a Docker engine answers)"
else
  if [[ ${CI:-} == true ]]; then
    export MM_PG_PORT=${MM_PG_PORT:-55433}
    if ! eng/postgres.sh status >/dev/null 2>&1; then stop_local_server=1; fi
  fi
  log "database: no Docker engine; starting the local server (eng/postgres.sh, MM_PG_FAST=1)"
  MM_TEST_CONNECTION_STRING=$(MM_PG_FAST=1 eng/postgres.sh start)
  export MM_TEST_CONNECTION_STRING
  log "database: ${MM_TEST_CONNECTION_STRING%%;Password=*};Password=***"
fi

if ((stop_local_server)); then
  trap 'eng/postgres.sh stop >/dev/null 2>&1 || true' EXIT
fi

# The console's browser tests drive Debian's Chromium (never a downloaded browser). Installed here when missing and
# this script may (root, as in CI); otherwise those tests fail saying what to install.
if [[ ! -x /usr/bin/chromium ]]; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "browser: /usr/bin/chromium missing; apt-get install -y chromium"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    log "browser: /usr/bin/chromium missing and not root: the console's browser tests will fail (sudo apt-get install chromium)"
  fi
fi

dotnet test ModularMonolith.sln -c Release "$@"
