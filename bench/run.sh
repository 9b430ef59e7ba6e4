#!/usr/bin/env bash
# bench/run.sh [--quick|--full] — the benchmark suite (issue #7). Quick (default) is under 3 minutes once the host
# is built; full takes longer (docs/benchmarks.md says how long). Needs python3, dotnet, pgbench/psql (PostgreSQL
# client ≥ 15) and wrk; installs wrk (and, through eng/postgres.sh, the PostgreSQL server) with apt when root.
# Writes bench/results/latest.json and docs/benchmarks.md. Take figures on an otherwise idle machine.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
case ${1:---quick} in
  --quick | --full | --report-only | --profile | --compare | --compare-builds | --rebuild-only) ;;
  *) echo "usage: bench/run.sh [--quick|--full]" >&2; exit 2 ;;
esac
need_apt=()
command -v wrk >/dev/null 2>&1 || need_apt+=(wrk)
command -v pgbench >/dev/null 2>&1 || need_apt+=(postgresql-client)
if ((${#need_apt[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "bench: installing ${need_apt[*]} with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y "${need_apt[@]}" >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y "${need_apt[@]}" >/dev/null; }
  else
    echo "bench: missing ${need_apt[*]}; install them (e.g. sudo apt-get install ${need_apt[*]})" >&2
    exit 1
  fi
fi
cd "$REPO/bench"
exec python3 -m mmbench "${@:---quick}"
