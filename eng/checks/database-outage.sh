#!/usr/bin/env bash
# Scripted check: PostgreSQL goes away for ~5 s under a running host and comes back.
#   - while it is down, the API answers 503 ProblemDetails quickly (no hang, no 500) and /health/ready is 503;
#   - after it returns, writes succeed again without restarting the host, within a bounded wait;
#   - the async daemon resumes: the account statement (async projection) catches up with writes made after the outage.
# Own PostgreSQL (data under .local/outage) and host port, free ports picked at start (or MM_OUTAGE_PG_PORT /
# MM_OUTAGE_HTTP_PORT), so it disturbs nothing else. The host runs pre-generated code (eng/build-host.sh, Static type
# loading) as production would; every wait is bounded but generous, reads are retried and writes retried with the same
# Idempotency-Key, so a busy machine makes it slower, never failed. Any 5xx but the outage's 503 fails it.
# Usage: eng/checks/database-outage.sh   (exit 0 = pass)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

free_port() { python3 eng/checks/ports.py; }
export MM_PG_PORT=${MM_OUTAGE_PG_PORT:-$(free_port)} MM_PG_DIR=${MM_OUTAGE_PG_DIR:-$PWD/.local/outage} MM_PG_FAST=1
PORT=${MM_OUTAGE_HTTP_PORT:-$(free_port)}
B="http://127.0.0.1:$PORT"
export Auth__SigningKey=outage-check-signing-key-0123456789abcdef Wolverine__TypeLoadMode=Static
LOG=$(mktemp)
BODY=$(mktemp)
host_pid=""

cleanup() {
  [[ -n $host_pid ]] && kill "$host_pid" 2>/dev/null || true
  eng/postgres.sh destroy >/dev/null 2>&1 || true
  rm -f "$BODY"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; echo "--- host log (tail)" >&2; tail -40 "$LOG" >&2; exit 1; }
step() { echo "== $*"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

step "private PostgreSQL on 127.0.0.1:$MM_PG_PORT"
cs=$(eng/postgres.sh start)

step "host on $B (pre-generated code)"
dll=$(bash eng/build-host.sh 2>"$LOG") || fail "eng/build-host.sh"
(cd "$(dirname "$dll")" && ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS=$B \
  ConnectionStrings__Postgres="$cs;Timeout=3;Command Timeout=5" exec dotnet "$dll") >"$LOG" 2>&1 &
host_pid=$!
for _ in $(seq 1 180); do curl -sf --max-time 5 "$B/health/ready" >/dev/null && break; sleep 1; done
curl -sf --max-time 30 "$B/health/ready" >/dev/null || fail "host not ready within 180 s"

token() { (cd "$(dirname "$dll")" && ASPNETCORE_ENVIRONMENT=Development ConnectionStrings__Postgres="$cs" \
  dotnet "$dll" token "$@" 2>/dev/null | tail -1); }
# One attempt: prints the status code (000: no answer within 30 s); the body is left in $BODY.
send() { # method path [json body] [Idempotency-Key]
  local args=(-s -o "$BODY" -w '%{http_code}' --max-time 30 -X "$1" "$B$2")
  [[ -n ${T:-} ]] && args+=(-H "Authorization: Bearer $T")
  [[ -n ${3:-} ]] && args+=(-H 'content-type: application/json' -d "$3")
  [[ -n ${4:-} ]] && args+=(-H "Idempotency-Key: $4")
  curl "${args[@]}" || true
}
# Until it answers `expected`, bounded; the same Idempotency-Key on every attempt, so the work is done once. No answer
# and 503 (the database not back yet) are retried; any other answer is a failure.
must() { # expected seconds method path [json body] [Idempotency-Key]
  local expected=$1 seconds=$2 code="" deadline=$((SECONDS + $2)); shift 2
  while ((SECONDS < deadline)); do
    code=$(send "$@")
    [[ $code == "$expected" ]] && return 0
    [[ $code == 000 || $code == 503 ]] || fail "$1 $2 answered $code: $(cat "$BODY")"
    sleep 1
  done
  fail "$1 $2 did not answer $expected within $seconds s (last: $code)"
}
must 201 180 POST /api/accounts "{\"name\":\"Outage\",\"email\":\"outage.$RANDOM$RANDOM@example.com\",\"phone\":\"+15551234567\"}" "signup-$RANDOM$RANDOM"
id=$(json 'd["id"]' <"$BODY")
T=$(token --account "$id"); A=$(token --admin)
must 200 180 POST "/api/accounts/$id/deposits" '{"amount":10}' "first-$id"

step "stop PostgreSQL"
eng/postgres.sh stop >/dev/null
start=$(date +%s%N)
code=$(send POST "/api/accounts/$id/deposits" '{"amount":10}' "down-$id")
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "   deposit while down: $code in ${elapsed_ms} ms: $(cat "$BODY")"
# An answer, not a hang: the connection string's Timeout=3 bounds the wait for a database that is gone; 30 s leaves a
# busy machine room.
[[ $code == 503 ]] || fail "expected 503 while the database is down, got $code"
grep -q '"status":503' "$BODY" || fail "503 without ProblemDetails"
ready=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$B/health/ready" || true)
echo "   /health/ready while down: $ready"
[[ $ready == 503 ]] || fail "expected /health/ready 503 while down, got $ready"
sleep 5

step "start PostgreSQL again"
eng/postgres.sh start >/dev/null
started=$SECONDS
must 200 120 POST "/api/accounts/$id/deposits" '{"amount":10}' "after-$id"
echo "   writes recovered after ~$((SECONDS - started)) s"
for i in 1 2 3; do must 200 180 POST "/api/accounts/$id/deposits" '{"amount":10}' "after-$i-$id"; done

step "async daemon resumes"
must 200 180 GET "/api/accounts/$id"
expected=$(json 'd["balance"]' <"$BODY")
[[ $expected == 50* ]] || fail "balance $expected after five deposits of 10 (one refused while down)"
caught="" started=$SECONDS got=none
while ((SECONDS - started < 180)); do
  [[ $(send GET "/api/accounts/$id/statement") == 200 ]] && got=$(json 'd["balance"]' <"$BODY")
  if [[ $got == "$expected" ]]; then caught=$((SECONDS - started)); break; fi
  sleep 1
done
[[ -n $caught ]] || fail "statement stuck at $got after 180 s, account balance $expected"
echo "   statement caught up (balance $expected) within ~${caught} s"
T=$A must 200 180 GET /api/admin/projections
cat "$BODY" |
  python3 -c 'import json,sys; print("   " + "; ".join(s["module"] + "/" + s["projection"] + ": " + s["state"] for s in json.load(sys.stdin)))'
echo "PASS: database outage"
