#!/usr/bin/env bash
# Scripted check: PostgreSQL goes away for ~5 s under a running host and comes back.
#   - while it is down, the API answers 503 ProblemDetails quickly (no hang, no 500) and /health/ready is 503;
#   - after it returns, writes succeed again without restarting the host, within a bounded wait;
#   - the async daemon resumes: the account statement (async projection) catches up with writes made after the outage.
# Uses its own PostgreSQL (port 55471, data under .local/outage) and its own host port, so it disturbs nothing else.
# Usage: eng/checks/database-outage.sh   (exit 0 = pass). Every wait is bounded.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

export MM_PG_PORT=${MM_OUTAGE_PG_PORT:-55471} MM_PG_DIR=${MM_OUTAGE_PG_DIR:-$PWD/.local/outage} MM_PG_FAST=1
PORT=${MM_OUTAGE_HTTP_PORT:-5091}
B="http://127.0.0.1:$PORT"
export Auth__SigningKey=outage-check-signing-key-0123456789abcdef
LOG=$(mktemp)
host_pid=""

cleanup() {
  [[ -n $host_pid ]] && kill "$host_pid" 2>/dev/null || true
  eng/postgres.sh destroy >/dev/null 2>&1 || true
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; echo "--- host log (tail)" >&2; tail -40 "$LOG" >&2; exit 1; }
step() { echo "== $*"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

step "private PostgreSQL on 127.0.0.1:$MM_PG_PORT"
cs=$(eng/postgres.sh start)

step "host on $B"
dotnet build src/ModularMonolith.Host -c Release -v quiet -nologo >/dev/null
ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS=$B ConnectionStrings__Postgres="$cs;Timeout=3;Command Timeout=5" \
  dotnet src/ModularMonolith.Host/bin/Release/net10.0/ModularMonolith.Host.dll >"$LOG" 2>&1 &
host_pid=$!
for _ in $(seq 1 60); do curl -sf "$B/health/ready" >/dev/null && break; sleep 1; done
curl -sf "$B/health/ready" >/dev/null || fail "host not ready within 60 s"

token() { ASPNETCORE_ENVIRONMENT=Development ConnectionStrings__Postgres="$cs" \
  dotnet src/ModularMonolith.Host/bin/Release/net10.0/ModularMonolith.Host.dll token "$@" 2>/dev/null | tail -1; }
id=$(curl -sf -X POST "$B/api/accounts" -H 'content-type: application/json' \
  -d "{\"name\":\"Outage\",\"email\":\"outage.$RANDOM$RANDOM@example.com\",\"phone\":\"+15551234567\"}" | json 'd["id"]')
T=$(token --account "$id"); A=$(token --admin)
deposit() { curl -s -o /tmp/outage-body -w '%{http_code}' --max-time 15 -X POST "$B/api/accounts/$id/deposits" \
  -H "Authorization: Bearer $T" -H 'content-type: application/json' -d '{"amount":10}'; }
[[ $(deposit) == 200 ]] || fail "first deposit"

step "stop PostgreSQL"
eng/postgres.sh stop >/dev/null
start=$(date +%s%N)
code=$(deposit)
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "   deposit while down: $code in ${elapsed_ms} ms: $(cat /tmp/outage-body)"
[[ $code == 503 ]] || fail "expected 503 while the database is down, got $code"
grep -q '"status":503' /tmp/outage-body || fail "503 without ProblemDetails"
(( elapsed_ms < 15000 )) || fail "the 503 took ${elapsed_ms} ms"
ready=$(curl -s -o /dev/null -w '%{http_code}' --max-time 15 "$B/health/ready")
echo "   /health/ready while down: $ready"
[[ $ready == 503 ]] || fail "expected /health/ready 503 while down, got $ready"
sleep 5

step "start PostgreSQL again"
eng/postgres.sh start >/dev/null
ok=""
for i in $(seq 1 30); do
  if [[ $(deposit) == 200 ]]; then ok=$i; break; fi
  sleep 1
done
[[ -n $ok ]] || fail "writes did not recover within 30 s"
echo "   writes recovered after ~${ok} s"
for _ in 1 2 3; do [[ $(deposit) == 200 ]] || fail "deposit after recovery"; done

step "async daemon resumes"
expected=$(curl -sf "$B/api/accounts/$id" -H "Authorization: Bearer $T" | json 'd["balance"]')
caught=""
for i in $(seq 1 60); do
  got=$(curl -sf "$B/api/accounts/$id/statement" -H "Authorization: Bearer $T" | json 'd["balance"]' || echo none)
  if [[ $got == "$expected" ]]; then caught=$i; break; fi
  sleep 1
done
[[ -n $caught ]] || fail "statement stuck at $got, account balance $expected"
echo "   statement caught up (balance $expected) within ~${caught} s"
curl -sf "$B/api/admin/projections" -H "Authorization: Bearer $A" |
  python3 -c 'import json,sys; print("   " + "; ".join(s["module"] + "/" + s["projection"] + ": " + s["state"] for s in json.load(sys.stdin)))'
echo "PASS: database outage"
