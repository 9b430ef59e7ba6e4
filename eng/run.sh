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
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf 'run.sh: %s\n' "$*" >&2; }

if [[ -n ${ConnectionStrings__Postgres:-} ]]; then
  log "database: ConnectionStrings__Postgres from the environment"
elif command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1 &&
  docker compose version >/dev/null 2>&1; then
  log "database: docker compose service 'postgres' (127.0.0.1:5432)"
  docker compose up -d --wait postgres >&2
  ConnectionStrings__Postgres="Host=127.0.0.1;Port=5432;Database=modularmonolith;Username=postgres;Password=postgres"
else
  log "database: no Docker engine (or no compose plugin); using the local server (eng/postgres.sh)"
  ConnectionStrings__Postgres=$(eng/postgres.sh start)
fi
export ConnectionStrings__Postgres
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
export ASPNETCORE_URLS=${ASPNETCORE_URLS:-http://127.0.0.1:5080}

log "database: ${ConnectionStrings__Postgres%%;Password=*};Password=***"
log "environment: $ASPNETCORE_ENVIRONMENT; the API listens on $ASPNETCORE_URLS (when serving)"
# --no-launch-profile: the variables above, not launchSettings.json, decide the environment and URLs.
exec dotnet run --no-launch-profile --project src/ModularMonolith.Host -c Release -- "$@"
