#!/usr/bin/env python3
"""Scripted check (issue #15): after an erasure, the customer's personal data is nowhere in the database in clear.

A customer whose name, email, phone and deposit reference carry a unique marker goes through the whole story against
a real host (pre-generated code, its own PostgreSQL): sign-up, a deposit with an Idempotency-Key, cart, checkout, the
order paid. Then POST /api/accounts/{id}/erasure, and:
  - `pg_dump` of the whole database (every schema, wolverine included) holds the marker 0 times (as text or hex);
  - the account, its statement, its audit trail and time travel (version 1, and the instant of the deposit) answer
    200 with the personal fields "(erased)" and the money intact; a second erasure answers the same;
  - every projection rebuilt from the events (the `rebuild` verb, host stopped) equals the live documents, and after
    the rebuilds the views still answer erased; the email is free for a new sign-up;
  - money reconciles: deposit - debit = the balance = the statement's last line.
Own PostgreSQL and host port (free ports, or MM_ERASURE_PG_PORT / MM_ERASURE_HTTP_PORT); every wait is bounded.
Usage: eng/checks/personal-data-erasure.py
"""
import importlib.util, os, subprocess, sys, time, urllib.parse, uuid

_spec = importlib.util.spec_from_file_location("crash", os.path.join(os.path.dirname(__file__), "crash-recovery.py"))
crash = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(crash)

if os.environ.get("MM_ERASURE_HTTP_PORT"):
    crash.PORT = int(os.environ["MM_ERASURE_HTTP_PORT"])
    crash.BASE = f"http://127.0.0.1:{crash.PORT}"
crash.PG_ENV.update(MM_PG_PORT=os.environ.get("MM_ERASURE_PG_PORT") or str(crash.free_port()),
                    MM_PG_DIR=os.path.join(crash.ROOT, ".local", "erasure"))
must, ADMIN = crash.must, crash.ADMIN
ERASED = "(erased)"


def story(marker):
    """Sign-up, deposit (with an Idempotency-Key), cart, checkout; returns (account, token, email) once the order is paid."""
    must("PUT", "/api/catalog/products/banana", ADMIN, {"name": "Banana", "unitPrice": 1.00})
    email = f"{marker}@example.com"
    account = must("POST", "/api/accounts", None, {"name": f"Ada {marker}", "email": email,
                                                   "phone": "+4420" + str(int(marker[-7:], 16) % 9_000_000 + 1_000_000)}, 201)["id"]
    tok = crash.token(account, "customer")
    must("POST", f"/api/accounts/{account}/deposits", tok, {"amount": 10, "reference": f"salary {marker}"},
         key=f"deposit-{marker}")
    cart = must("POST", "/api/carts", tok, None, 201)["id"]
    must("POST", f"/api/carts/{cart}/items", tok, {"sku": "banana", "quantity": 2})
    must("POST", f"/api/carts/{cart}/checkout", tok, None, 200, f"checkout-{cart}")
    deadline = time.time() + 120
    while time.time() < deadline:
        if crash.psql(host_env(), "select count(*) from orders.mt_events where type = 'order_paid'")[0][0] == "1":
            crash.wait_caught_up()
            return account, tok, email
        time.sleep(0.5)
    raise SystemExit("FAIL: the order was not paid within 120 s")


_env = {}


def host_env():
    return _env["env"]


def views(account, tok, deposit_at):
    at = urllib.parse.quote(deposit_at)
    return {url: must("GET", url, tok) for url in (
        f"/api/accounts/{account}", f"/api/accounts/{account}?version=1", f"/api/accounts/{account}?asOf={at}",
        f"/api/accounts/{account}/statement", f"/api/accounts/{account}/events")}


def judge_views(account, tok, deposit_at, marker, failures, when):
    answers = views(account, tok, deposit_at)
    for url, answer in answers.items():
        text = str(answer)
        if marker in text:
            failures.append(f"{when}: {url} still shows the marker")
        if ERASED not in text:
            failures.append(f"{when}: {url} shows nothing erased: {text[:200]}")
    now = answers[f"/api/accounts/{account}"]
    statement = answers[f"/api/accounts/{account}/statement"]
    if not (now["name"] == now["email"] == now["phone"] == ERASED):
        failures.append(f"{when}: the account shows {now['name']!r} {now['email']!r} {now['phone']!r}")
    # Money: 10.00 in, 2.00 for the order.
    lines = statement["lines"]
    if not (now["balance"] == statement["balance"] == 8 and sum(l["amount"] for l in lines) == 8
            and lines[-1]["balanceAfter"] == 8):
        failures.append(f"{when}: money does not reconcile: account {now['balance']}, statement {statement}")


def marker_in_dump(marker):
    fields = dict(part.split("=", 1) for part in host_env()["ConnectionStrings__Postgres"].split(";") if "=" in part)
    dump = subprocess.run(["pg_dump", "-h", fields["Host"], "-p", fields["Port"], "-U", fields["Username"],
                           fields["Database"]], env=dict(os.environ, PGPASSWORD=fields["Password"]),
                          capture_output=True, text=True, check=True, timeout=300).stdout
    return dump.count(marker) + dump.count(marker.encode().hex()), len(dump)


def main():
    os.makedirs(os.path.join(crash.ROOT, ".local"), exist_ok=True)
    crash.build_host()
    connection_string = crash.postgres("start")
    host = crash.Host(connection_string)
    _env["env"] = host.env
    failures = []
    marker = "zq" + uuid.uuid4().hex[:12]
    try:
        host.start()
        account, tok, email = story(marker)
        events = must("GET", f"/api/accounts/{account}/events", tok)["events"]
        deposit_at = next(e["timestamp"] for e in events if e["type"] == "funds_deposited")
        before, _ = marker_in_dump(marker)
        print(f"== story done (account {account}); the marker in the dump before the erasure: {before} times")

        erased = must("POST", f"/api/accounts/{account}/erasure", tok)
        again = must("POST", f"/api/accounts/{account}/erasure", ADMIN)
        if erased != again:
            failures.append(f"a second erasure answered differently: {erased} vs {again}")
        crash.wait_caught_up()
        judge_views(account, tok, deposit_at, marker, failures, "after the erasure")

        host.process.terminate()  # the rebuilds must not race the host's own daemon
        host.process.wait(timeout=60)
        failures += crash.compare_with_replay(host.env)
        host.start()
        judge_views(account, tok, deposit_at, marker, failures, "after every rebuild")
        must("POST", "/api/accounts", None, {"name": "Someone new", "email": email, "phone": "+15551234567"}, 201)

        count, size = marker_in_dump(marker)
        print(f"== pg_dump of the whole database: {size:,} characters, the marker {count} times")
        if count:
            failures.append(f"the marker is still in the database {count} times after the erasure")
        if before == 0:
            failures.append("the marker was not in the dump even before the erasure: the check would prove nothing")
        crash.finish(failures, "personal-data erasure")
    finally:
        if host.process and host.process.poll() is None:
            host.kill()
        crash.postgres("destroy")


if __name__ == "__main__":
    main()
