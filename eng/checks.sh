#!/usr/bin/env bash
# eng/checks.sh — the process-level failure checks, one after another (docs/reliability.md). CI runs it as is.
#
#   eng/checks.sh            database outage, crash recovery (500 checkouts), several nodes (60 customers),
#                            personal-data erasure (one customer), blue/green projection change (60 customers),
#                            modules apart over RabbitMQ (200 checkouts)
#   eng/checks.sh --quick    the same with smaller loads (crash 100, nodes 30, blue/green 30, apart 60)
#
# Each check starts its own PostgreSQL (its own data under .local/) and its own host processes on 127.0.0.1, on free
# ports picked at start, and bounds every loop and wait. The hosts run pre-generated code, as production would
# (eng/build-host.sh, built first). The checks judge correctness (nothing lost, nothing doubled, no 5xx), not speed:
# on a busy machine they take longer, with generous but bounded deadlines. The first failure stops the run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

crash=500 nodes=60 bluegreen=60 apart=200
if [[ ${1:-} == --quick ]]; then crash=100 nodes=30 bluegreen=30 apart=60; fi

run() {
  local started=$SECONDS
  echo "== check: $*"
  "$@"
  echo "== passed in $((SECONDS - started)) s: $*"
}

# The host the checks run: Release, `codegen write`, ReadyToRun (skipped when already built from these sources).
run bash -c 'eng/build-host.sh >/dev/null'
# PostgreSQL stopped and restarted under a running host: 503s while down, recovery and daemon resume afterwards.
run bash eng/checks/database-outage.sh
# The host SIGKILLed three times in the middle of the checkouts: nothing lost, nothing doubled, money reconciles.
run python3 eng/checks/crash-recovery.py "$crash"
# Three hosts share the database; one is SIGKILLed under load: projections move, nothing lost or applied twice.
run python3 eng/checks/several-nodes.py "$nodes"
# A customer erased after the whole story: the marker 0 times in pg_dump; every view and rebuild shows it erased.
run python3 eng/checks/personal-data-erasure.py
# A projection changes version under load (blue nodes on v1, a green node builds v2, then the switch), no 5xx.
run python3 eng/checks/blue-green.py "$bluegreen"
# Each module in its own process and database, over RabbitMQ (installed with apt when missing): the orders process
# SIGKILLed twice and RabbitMQ stopped for 10 s mid-flow; every order paid or cancelled once, money reconciles.
run python3 eng/checks/modules-apart.py "$apart"
