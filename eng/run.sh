#!/usr/bin/env bash
# eng/run.sh — the one command that runs the application (README).
#
#   eng/run.sh [host args...]       e.g. eng/run.sh            (serve the API)
#                                        eng/run.sh help       (the host's CLI verbs)
#                                        eng/run.sh db-apply   (apply the database schema)
#
# Database: ConnectionStrings__Postgres when set; else, when a Docker engine answers, the `postgres`
# service of docker-compose.yml (127.0.0.1:5432); else the local server of eng/postgres.sh (durable
# settings, data in .local/postgres, kept between runs).
# ASPNETCORE_ENVIRONMENT defaults to Development, ASPNETCORE_URLS to http://127.0.0.1:5080.
#
# Builds (Release) only when a source or build file is newer than the last successful build, then runs the built
# host directly: a verb answers in about 2 s when nothing changed (`dotnet run` spent 8 s checking the build each
# time). `token` and `help` need no database, so none is looked for or started for them.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf 'run.sh: %s\n' "$*" >&2; }

HOST_DIR=src/ModularMonolith.Host
DLL=$HOST_DIR/bin/Release/net10.0/ModularMonolith.Host.dll
STAMP=.local/run/host-build.stamp
# Anything whose change can change the build's output (bin/ and obj/ are its output).
changed_since_build() {
  [[ -f $STAMP && -f $DLL ]] || return 0
  [[ -n $(find src Directory.Build.props Directory.Packages.props nuget.config global.json eng/local-packages \
            \( -name bin -o -name obj \) -prune -o -type f -newer "$STAMP" -print -quit) ]]
}
if changed_since_build; then
  log "sources changed since the last build: building $HOST_DIR (Release)"
  mkdir -p "$(dirname "$STAMP")"
  # The stamp takes the time the build started: a file saved during the build is newer, so the next run builds.
  started=$(date +%s.%N)
  dotnet build "$HOST_DIR" -c Release -nologo -v quiet -clp:NoSummary >&2
  touch -d "@$started" "$STAMP"
fi

# The content root is the project directory (as under `dotnet run`): appsettings*.json are read from there and
# `codegen write` writes into the project.
run_host() { cd "$HOST_DIR" && exec dotnet "bin/Release/net10.0/ModularMonolith.Host.dll" "$@"; }
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
# As the host decides (JasperFx): no arguments, flags only or `run` serve the API; anything else is a verb, which
# prints only what it is about.
serving=0
[[ -z ${1:-} || $1 == -* || $1 == run ]] && serving=1

case ${1:-} in
  token | help | \?)
    # Nothing to connect to: a token is signed with Auth:SigningKey, `help` reads nothing. A configured host still
    # needs a connection string, which is never opened.
    export ConnectionStrings__Postgres=${ConnectionStrings__Postgres:-$(eng/postgres.sh url)}
    run_host "$@" ;;
esac

if [[ -n ${ConnectionStrings__Postgres:-} ]]; then
  log "database: ConnectionStrings__Postgres from the environment"
elif command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1 &&
  docker compose version >/dev/null 2>&1; then
  log "database: docker compose service 'postgres' (127.0.0.1:5432)"
  docker compose up -d --wait postgres >&2
  ConnectionStrings__Postgres="Host=127.0.0.1;Port=5432;Database=modularmonolith;Username=postgres;Password=postgres"
else
  ((serving)) && log "database: no Docker engine (or no compose plugin); using the local server (eng/postgres.sh)"
  # "already running" is the usual case and says nothing; starting, recovering or installing is worth a line.
  ConnectionStrings__Postgres=$(eng/postgres.sh start 2> >(grep -v '^postgres.sh: already running' >&2))
fi
export ConnectionStrings__Postgres
export ASPNETCORE_URLS=${ASPNETCORE_URLS:-http://127.0.0.1:5080}

log "database: ${ConnectionStrings__Postgres%%;Password=*};Password=***"
((serving)) && log "environment: $ASPNETCORE_ENVIRONMENT; the API listens on $ASPNETCORE_URLS"
run_host "$@"
