#!/usr/bin/env bash
# eng/postgres.sh — a throwaway local PostgreSQL for development and tests, for machines where no
# Docker engine answers (with Docker, use `docker compose up -d postgres` or Testcontainers instead).
#
# Usage: eng/postgres.sh start|stop|status|url|destroy
#   start    initialise the cluster if needed, start it (waits until ready), make sure the database
#            `modularmonolith` exists; prints exactly one line on stdout, the Npgsql connection string:
#              cs=$(eng/postgres.sh start)
#            Already running: just prints the connection string. Recovers from a crashed (kill -9) server.
#   stop     fast shutdown; exits 0 when already stopped
#   status   prints "running ..." (exit 0) or "stopped ..." (exit 3)
#   url      prints the connection string (does not start anything)
#   destroy  stop, then delete the cluster's files
#
# Environment:
#   MM_PG_DIR       cluster directory (default: <repo>/.local/postgres; .local/ is gitignored).
#                   Layout: data/ (PGDATA), run/ (unix socket), postgres.log
#   MM_PG_PORT      TCP port on 127.0.0.1 (default 55432)
#   MM_PG_PASSWORD  password of the `postgres` role (default postgres; must not contain ';')
#   MM_PG_FAST=1    fsync/synchronous_commit/full_page_writes off — for tests only. Benchmarks and normal
#                   runs must keep the durable defaults: a start without MM_PG_FAST=1 finding a fast server
#                   running restarts it durable; a start with it accepts a running durable server.
#
# Server binaries (initdb, pg_ctl, ≥ 15) come from PATH or /usr/lib/postgresql/*/bin; when missing and
# running as root with apt-get, `apt-get install postgresql` is run. PostgreSQL refuses to run as root:
# as root every server command runs as the `postgres` OS user (runuser), which must own the cluster
# directory and be able to reach it — if it cannot traverse the parent directories, a directory under
# /tmp is used instead (and said so on stderr).
set -euo pipefail

readonly MIN_PG_MAJOR=15
readonly DB_NAME=modularmonolith

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
PG_PORT=${MM_PG_PORT:-55432}
PG_PASSWORD=${MM_PG_PASSWORD:-postgres}
PG_DIR=${MM_PG_DIR:-$REPO/.local/postgres}

log() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//' >&2
  exit 2
}

if ! [[ $PG_PORT =~ ^[0-9]+$ ]] || ((PG_PORT < 1 || PG_PORT > 65535)); then
  die "MM_PG_PORT must be a port number, got '$PG_PORT'"
fi
[[ $PG_PASSWORD != *";"* ]] || die "MM_PG_PASSWORD must not contain ';' (it goes into a connection string)"
[[ -n $PG_DIR && $PG_DIR != "/" ]] || die "MM_PG_DIR must not be empty or /"
[[ $PG_DIR != *"'"* && $PG_DIR != *$'\n'* ]] || die "MM_PG_DIR must not contain quotes or newlines"
[[ $PG_DIR == /* ]] || PG_DIR=$PWD/$PG_DIR
PG_DIR=${PG_DIR%/}

IS_ROOT=0
[[ $(id -u) -eq 0 ]] && IS_ROOT=1

# Run a PostgreSQL client/server program as the user that owns the cluster.
as_pg() {
  if ((IS_ROOT)); then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

connection_string() {
  printf 'Host=127.0.0.1;Port=%s;Database=%s;Username=postgres;Password=%s\n' "$1" "$DB_NAME" "$PG_PASSWORD"
}

# --- binaries ----------------------------------------------------------------------------------------

pg_major_of() { # $1 = path to initdb; prints its major version or nothing
  "$1" --version 2>/dev/null | sed -n 's/^initdb (PostgreSQL) \([0-9][0-9]*\).*/\1/p' | head -n1
}

find_bin_dir() { # prints the directory holding initdb + pg_ctl of the highest version >= MIN_PG_MAJOR
  local best_dir="" best_major=0 candidate dir major
  local -a candidates=()
  if candidate=$(command -v initdb 2>/dev/null); then
    candidates+=("$(dirname "$(readlink -f "$candidate")")")
  fi
  for dir in /usr/lib/postgresql/*/bin; do
    [[ -d $dir ]] && candidates+=("$dir")
  done
  local seen=" "
  for dir in ${candidates[@]+"${candidates[@]}"}; do
    dir=$(readlink -f "$dir")
    [[ $seen == *" $dir "* ]] && continue
    seen+="$dir "
    [[ -x $dir/initdb && -x $dir/pg_ctl ]] || continue
    major=$(pg_major_of "$dir/initdb")
    [[ -n $major ]] || continue
    if ((major >= MIN_PG_MAJOR && major > best_major)); then
      best_major=$major
      best_dir=$dir
    fi
  done
  [[ -n $best_dir ]] && printf '%s\n' "$best_dir"
}

ensure_binaries() {
  if BIN=$(find_bin_dir); then
    :
  elif ((IS_ROOT)) && command -v apt-get >/dev/null 2>&1; then
    log "PostgreSQL server binaries (>= $MIN_PG_MAJOR) not found; installing with apt-get ..."
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update && apt-get install -y postgresql; } >&2 || die "apt-get install postgresql failed"
    BIN=$(find_bin_dir) || die "postgresql installed, but no initdb/pg_ctl >= $MIN_PG_MAJOR found"
  else
    die "PostgreSQL server binaries (initdb, pg_ctl; version >= $MIN_PG_MAJOR) not found in PATH or /usr/lib/postgresql/*/bin.
  Install them, e.g. 'sudo apt-get install postgresql' (Debian/Ubuntu), 'brew install postgresql@16' (macOS),
  or put the server's bin directory on PATH."
  fi
  PSQL=$BIN/psql
  [[ -x $PSQL ]] || PSQL=$(command -v psql) || die "psql not found next to $BIN/initdb nor in PATH"
  if ((IS_ROOT)) && ! id -u postgres >/dev/null 2>&1; then
    log "creating the 'postgres' system user (the server refuses to run as root)"
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin postgres
  fi
}

# --- directory ---------------------------------------------------------------------------------------

# As root, the `postgres` user must be able to reach PG_DIR; otherwise switch to a directory under /tmp.
# Deterministic, so stop/status/destroy find the same directory as start did.
resolve_dir() {
  ((IS_ROOT)) || return 0
  id -u postgres >/dev/null 2>&1 || return 0 # no postgres user yet: ensure_binaries creates it
  local parent
  parent=$(dirname "$PG_DIR")
  while [[ ! -e $parent ]]; do parent=$(dirname "$parent"); done
  # Missing directories in between are created with mode 755 below; the existing ancestor must be
  # traversable by postgres (access(2) also checks every directory above it).
  if ! runuser -u postgres -- test -x "$parent"; then
    local fallback
    fallback=/tmp/modularmonolith-postgres-$(printf '%s' "$PG_DIR" | md5sum | cut -c1-10)
    log "the postgres user cannot traverse $parent; using $fallback instead of $PG_DIR"
    PG_DIR=$fallback
  fi
}

set_paths() {
  DATA=$PG_DIR/data
  RUN=$PG_DIR/run
  LOGFILE=$PG_DIR/postgres.log
  DATA_REAL=$(readlink -m "$DATA")
  local sock=$RUN/.s.PGSQL.$PG_PORT
  ((${#sock} <= 100)) || die "unix socket path too long (${#sock} > 100 chars): $sock — set MM_PG_DIR to a shorter path"
}

prepare_dir() {
  (umask 022 && mkdir -p "$PG_DIR")
  if ((IS_ROOT)); then
    chown postgres:postgres "$PG_DIR"
    local d
    for d in "$DATA" "$RUN"; do
      if [[ -e $d && $(stat -c %U "$d") != postgres ]]; then
        chown -R postgres:postgres "$d"
      fi
    done
    if [[ -e $LOGFILE ]]; then chown postgres:postgres "$LOGFILE"; fi
  fi
  # Must be able to write there (e.g. MM_PG_DIR owned by another user when not root).
  [[ -w $PG_DIR ]] || die "$PG_DIR is not writable by $(id -un)"
  mkdir -p "$RUN"
  chmod 700 "$RUN"
  if ((IS_ROOT)); then chown postgres:postgres "$RUN"; fi
}

lock() { # serialise concurrent invocations on the same cluster
  command -v flock >/dev/null 2>&1 || return 0
  exec 9>"$PG_DIR/.lock"
  flock -w 120 9 || die "timed out waiting for another eng/postgres.sh on $PG_DIR"
}

# --- process state -----------------------------------------------------------------------------------

# Is PID a postgres process of this cluster? (postgres processes run with the data dir as cwd.)
is_cluster_process() {
  local pid=$1 comm="" cwd
  { read -r comm <"/proc/$pid/comm"; } 2>/dev/null || return 1
  [[ $comm == postgres ]] || return 1
  cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || return 1
  [[ $cwd == "$DATA_REAL" ]]
}

postmaster_pid() { # prints the pid from postmaster.pid, if any
  [[ -r $DATA/postmaster.pid ]] || return 1
  local pid
  pid=$(head -n1 "$DATA/postmaster.pid" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  printf '%s\n' "$pid"
}

pidfile_line() { sed -n "${1}p" "$DATA/postmaster.pid" 2>/dev/null || true; }

# Running = postmaster.pid names a live postgres process whose cwd is our data dir. (pg_ctl status only
# checks that the pid is alive, which a recycled pid after a crash also satisfies.)
is_running() {
  local pid
  pid=$(postmaster_pid) || return 1
  is_cluster_process "$pid"
}

cluster_processes() {
  local p pid
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    is_cluster_process "$pid" && printf '%s\n' "$pid"
  done
  return 0
}

# After a crash (kill -9 of the postmaster) backends may linger for a moment and keep the shared memory
# in use, and postmaster.pid stays behind. Wait for / end the orphans, then remove the stale pid file.
clean_stale() {
  local -a orphans
  local i
  mapfile -t orphans < <(cluster_processes)
  if ((${#orphans[@]})); then
    log "server not running but ${#orphans[@]} orphaned backend(s) of $DATA remain; waiting for them to exit"
    for ((i = 0; i < 50; i++)); do
      mapfile -t orphans < <(cluster_processes)
      ((${#orphans[@]})) || break
      sleep 0.2
    done
    if ((${#orphans[@]})); then
      log "killing orphaned backend(s): ${orphans[*]}"
      kill -KILL "${orphans[@]}" 2>/dev/null || true
      sleep 0.5
    fi
  fi
  if [[ -e $DATA/postmaster.pid ]]; then
    log "removing stale $DATA/postmaster.pid"
    rm -f "$DATA/postmaster.pid"
  fi
  # The socket's lock file names the dead postmaster too; the server would refuse it while that pid
  # still exists (e.g. as an unreaped zombie). run/ belongs to this cluster alone.
  rm -f "$RUN"/.s.PGSQL.*
}

wait_ready() { # the postmaster may still be starting (line 8 of postmaster.pid: starting|ready|...)
  local i
  for ((i = 0; i < 600; i++)); do
    [[ $(pidfile_line 8 | tr -d ' ') == ready ]] && return 0
    is_running || return 1
    sleep 0.1
  done
  return 1
}

running_port() { local p; p=$(pidfile_line 4); [[ $p =~ ^[0-9]+$ ]] && printf '%s\n' "$p" || printf '%s\n' "$PG_PORT"; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- commands ----------------------------------------------------------------------------------------

init_cluster() {
  if [[ -e $DATA && ! -e $DATA/PG_VERSION ]]; then
    log "removing incomplete data directory $DATA"
    rm -rf "$DATA"
  fi
  log "initialising a new cluster in $DATA ($("$BIN/initdb" --version))"
  local pwfile=$PG_DIR/.pwfile
  (umask 077 && printf '%s\n' "$PG_PASSWORD" >"$pwfile")
  if ((IS_ROOT)); then chown postgres:postgres "$pwfile"; fi
  if ! as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 >&2; then
    rm -f "$pwfile"
    die "initdb failed"
  fi
  rm -f "$pwfile"
}

start_server() {
  local opts="-p $PG_PORT -k '$RUN' -c listen_addresses=127.0.0.1 -c max_connections=300"
  if [[ ${MM_PG_FAST:-0} == 1 ]]; then
    opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    log "starting on 127.0.0.1:$PG_PORT (MM_PG_FAST=1: fsync off — tests only)"
  else
    log "starting on 127.0.0.1:$PG_PORT (durable settings)"
  fi
  # 9>&-: the server must not inherit the lock's descriptor (it would hold the lock for its lifetime).
  if ! as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOGFILE" -w -t 60 -o "$opts" start >&2 9>&-; then
    log "pg_ctl start failed; last lines of $LOGFILE:"
    tail -n 20 "$LOGFILE" >&2 || true
    exit 1
  fi
}

# Create the database if missing and (re)set the password to MM_PG_PASSWORD, over the unix socket.
ensure_database() {
  printf '%s\n' \
    "SELECT 'CREATE DATABASE $DB_NAME' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB_NAME') \\gexec" \
    "ALTER ROLE postgres PASSWORD :'pw';" |
    as_pg "$PSQL" -X -q -v ON_ERROR_STOP=1 -v pw="$PG_PASSWORD" -h "$RUN" -p "$PG_PORT" -U postgres -d postgres >&2 ||
    die "could not create database $DB_NAME"
}

cmd_start() {
  ensure_binaries
  resolve_dir
  set_paths
  prepare_dir
  lock
  if is_running; then
    wait_ready || die "server (pid $(postmaster_pid)) is running but not ready; see $LOGFILE"
    local port
    port=$(running_port)
    # A server started with MM_PG_FAST=1 (e.g. by eng/test.sh) must not serve a durable start (eng/run.sh,
    # benchmarks): restart it with the defaults. The other way round, a durable server is fine for tests.
    if [[ ${MM_PG_FAST:-0} != 1 ]] &&
      [[ $(as_pg "$PSQL" -X -At -h "$RUN" -p "$port" -U postgres -d postgres -c 'SHOW fsync' 2>/dev/null) == off ]]; then
      log "running with MM_PG_FAST settings (fsync off); restarting with durable settings"
      as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >&2 || die "pg_ctl stop failed"
      clean_stale
      cmd_start_stopped
      return 0
    fi
    [[ $port == "$PG_PORT" ]] || log "warning: already running on port $port (not MM_PG_PORT=$PG_PORT); stop it to change"
    log "already running (pid $(postmaster_pid)), data $DATA"
    connection_string "$port"
    return 0
  fi
  clean_stale
  cmd_start_stopped
}

cmd_start_stopped() {
  if port_busy "$PG_PORT"; then
    die "127.0.0.1:$PG_PORT is already in use by another process (another checkout's server? stop it, or set MM_PG_PORT)"
  fi
  [[ -e $DATA/PG_VERSION ]] || init_cluster
  start_server
  ensure_database
  log "ready: database $DB_NAME on 127.0.0.1:$PG_PORT, data $DATA, log $LOGFILE"
  connection_string "$PG_PORT"
}

cmd_stop() {
  resolve_dir
  set_paths
  if [[ ! -d $DATA ]]; then
    log "no cluster at $DATA; nothing to stop"
    return 0
  fi
  if [[ -e $PG_DIR/.lock ]]; then lock; fi
  if is_running; then
    ensure_binaries
    as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >&2 || die "pg_ctl stop failed"
  else
    log "not running"
  fi
  clean_stale
}

cmd_status() {
  resolve_dir
  set_paths
  if is_running; then
    echo "running (pid $(postmaster_pid)) on 127.0.0.1:$(running_port), data $DATA, log $LOGFILE"
    return 0
  fi
  if [[ -e $DATA/PG_VERSION ]]; then
    echo "stopped (cluster at $DATA)"
  else
    echo "stopped (no cluster at $DATA)"
  fi
  return 3
}

cmd_url() {
  resolve_dir
  set_paths
  if is_running; then connection_string "$(running_port)"; else connection_string "$PG_PORT"; fi
}

cmd_destroy() {
  cmd_stop
  log "deleting $DATA, $RUN, $LOGFILE"
  rm -rf "$DATA" "$RUN" "$LOGFILE" "$PG_DIR/.pwfile" "$PG_DIR/.lock"
  rmdir "$PG_DIR" 2>/dev/null || true
}

cd / # the postgres user (as root) may not be allowed into the caller's working directory

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) cmd_url ;;
  destroy) cmd_destroy ;;
  -h | --help | help) usage ;;
  *) usage ;;
esac
