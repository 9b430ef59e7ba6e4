#!/usr/bin/env python3
"""Scripted check: the host is killed (SIGKILL) three times in the middle of a burst of checkouts.

Drives N customers (default 500) through sign-up, deposit (some too little for the 3.90 cart), cart and checkout
against a real host process, kills the host with SIGKILL after a quarter, a half and three quarters of the checkouts,
restarts it each time, retries what failed with the same Idempotency-Key, waits until everything settles, then checks:
  - every checked-out cart has exactly one order (one order_placed event);
  - every order is Paid if its account could pay 3.90, Cancelled (insufficient funds) otherwise;
  - exactly one debit per paid order and none for a cancelled one;
  - deposits - debits + refunds = the sum of the balances;
  - the async statement of every account ends at the account's balance (the daemon caught up after the kills);
  - every projection, inline and async, equals a fresh replay of the log: with the host stopped, each one's documents
    are saved, rebuilt from the events with the `rebuild` verb, and compared.
Own PostgreSQL and host port (free ports picked at start, or MM_CRASH_PG_PORT / MM_CRASH_HTTP_PORT); every wait is
bounded. Usage: eng/checks/crash-recovery.py [N]

The helpers here are shared by the other checks. They judge what the application did, not how fast a busy machine
does it: hosts run pre-generated code (eng/build-host.sh, Static type loading, as production would), reads are
retried, writes are retried with the same Idempotency-Key (done once however often sent), deadlines are generous but
bounded, and any 5xx answer fails the check.
"""
import base64, concurrent.futures as futures, hashlib, hmac, json, os, signal, subprocess, sys, time, urllib.error, urllib.request, uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ports import free_port  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
N = int(sys.argv[1]) if len(sys.argv) > 1 else 500
PORT = int(os.environ.get("MM_CRASH_HTTP_PORT") or free_port())
BASE = f"http://127.0.0.1:{PORT}"
KEY = "crash-check-signing-key-0123456789abcdef"
PG_ENV = dict(os.environ, MM_PG_PORT=os.environ.get("MM_CRASH_PG_PORT") or str(free_port()),
              MM_PG_DIR=os.path.join(ROOT, ".local", "crash"), MM_PG_FAST="1")
HOST_DLL = None  # set by build_host()
SEEDS_TOTAL = 3.90
REQUEST_SECONDS = 30   # one attempt; a busy machine may take long to answer, which is no failure by itself
RETRY_SECONDS = 180    # all attempts of one request
server_errors = []     # every 5xx answered, by any host: each one fails the check


def build_host():
    """The host as production runs it: pre-generated handler code, ReadyToRun (eng/build-host.sh, skipped when built)."""
    global HOST_DLL
    result = subprocess.run(["bash", os.path.join(ROOT, "eng", "build-host.sh")], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"FAIL: eng/build-host.sh exited {result.returncode}: {result.stderr[-2000:]}")
    HOST_DLL = result.stdout.strip().splitlines()[-1]
    return HOST_DLL


def host_env(connection_string, url):
    return dict(os.environ, ASPNETCORE_ENVIRONMENT="Development", ASPNETCORE_URLS=url,
                ConnectionStrings__Postgres=connection_string, Auth__SigningKey=KEY,
                Wolverine__TypeLoadMode="Static", Orders__PaymentTimeout="00:05:00")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(subject: str, role: str) -> str:
    """A bearer token exactly as the host's AccessTokens mints it (HS256, sub, role, issuer, audience)."""
    now = int(time.time())
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = b64(json.dumps({"sub": subject, "role": role, "iss": "modular-monolith", "aud": "modular-monolith-api",
                             "iat": now, "nbf": now - 60, "exp": now + 3600}).encode())
    signature = hmac.new(KEY.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
    return f"{header}.{claims}.{b64(signature)}"


ADMIN = token("admin", "admin")


def tolerated(status):
    """Whether a 5xx is one the check expects (e.g. a 503 while a dependency it stopped is down). None here; a check
    that stops a dependency replaces this (modules-apart.py). Every other 5xx is recorded and fails the check."""
    return False


def call(method, path, tok=None, body=None, key=None, timeout=REQUEST_SECONDS, base=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request((base or BASE) + path, data=data, method=method)
    if data is not None:
        request.add_header("content-type", "application/json")
    if tok:
        request.add_header("Authorization", f"Bearer {tok}")
    if key:
        request.add_header("Idempotency-Key", key)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read().decode()
            return response.status, json.loads(text) if text.startswith(("{", "[")) else text
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        if error.code >= 500 and not tolerated(error.code):
            server_errors.append(f"{method} {request.full_url} -> {error.code} {text[:300]}")
        return error.code, json.loads(text) if text.startswith("{") else text
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None, None  # the host is down (being killed or restarting)


def must(method, path, tok=None, body=None, expected=200, key=None, base=None):
    """Retries through host restarts and slow answers (same Idempotency-Key), bounded to RETRY_SECONDS. `base` may be
    a function, asked again at each try (several nodes: a request cut off by a killed node moves to a live one, and
    is still done once). A 5xx is retried too, but recorded: it fails the check at the end."""
    key = key or str(uuid.uuid4())
    deadline = time.time() + RETRY_SECONDS
    status, answer = None, None
    while time.time() < deadline:
        status, answer = call(method, path, tok, body, key if method != "GET" else None,
                              base=base() if callable(base) else base)
        if status == expected:
            return answer
        if status is not None and status not in (409, 503) and status < 500:
            raise SystemExit(f"FAIL: {method} {path} -> {status} {answer}")
        time.sleep(0.5)
    raise SystemExit(f"FAIL: {method} {path} did not answer {expected} within {RETRY_SECONDS} s; last: {status} {answer}")


class Host:
    def __init__(self, connection_string):
        self.env = host_env(connection_string, BASE)
        self.process = None
        self.log = open(os.path.join(ROOT, ".local", "crash-host.log"), "a")

    def start(self):
        self.process = subprocess.Popen(["dotnet", HOST_DLL], cwd=os.path.dirname(HOST_DLL), env=self.env,
                                        stdout=self.log, stderr=self.log)
        deadline = time.time() + 180
        while time.time() < deadline:
            if call("GET", "/health/ready", timeout=5)[0] == 200:
                return
            time.sleep(0.5)
        raise SystemExit("FAIL: host not ready within 180 s")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)


def postgres(action):
    result = subprocess.run(["bash", os.path.join(ROOT, "eng", "postgres.sh"), action], env=PG_ENV,
                            capture_output=True, text=True, check=True)
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


def main():
    os.makedirs(os.path.join(ROOT, ".local"), exist_ok=True)
    build_host()
    connection_string = postgres("start")
    host = Host(connection_string)
    try:
        host.start()
        failures = run(host)
        host.process.terminate()  # a clean stop: the rebuilds below must not race the host's own daemon
        host.process.wait(timeout=60)
        failures += compare_with_replay(host.env)
        finish(failures, "crash recovery")
    finally:
        if host.process and host.process.poll() is None:
            host.kill()
        postgres("destroy")


def run(host):
    for sku, name, price in (("banana", "Banana", 1.00), ("mango", "Mango", 2.00)):
        must("PUT", f"/api/catalog/products/{sku}", ADMIN, {"name": name, "unitPrice": price})
    must("PUT", "/api/catalog/discounts/2BANANAS", ADMIN, {"sku": "banana", "requiredQuantity": 2, "amountOff": 0.10})

    def prepare(i):
        rich = i % 5 != 0  # every fifth customer cannot pay 3.90
        account = must("POST", "/api/accounts", None, {"name": f"Customer {i}", "email": f"c{i}.{uuid.uuid4().hex[:8]}@example.com",
                                                       "phone": "+15551234567"}, 201)["id"]
        tok = token(account, "customer")
        must("POST", f"/api/accounts/{account}/deposits", tok, {"amount": 10 if rich else 1.5})
        cart = must("POST", "/api/carts", tok, None, 201)["id"]
        must("POST", f"/api/carts/{cart}/items", tok, {"sku": "banana", "quantity": 2})
        must("POST", f"/api/carts/{cart}/discount", tok, {"code": "2BANANAS"})
        must("POST", f"/api/carts/{cart}/items", tok, {"sku": "mango", "quantity": 1})
        return account, tok, cart, rich

    started = time.time()
    with futures.ThreadPoolExecutor(8) as pool:
        customers = list(pool.map(prepare, range(N)))
    print(f"== {N} customers with filled carts in {time.time() - started:.1f} s")

    # Checkouts at steady concurrency; the host is killed after 1/4, 1/2 and 3/4 of them were sent.
    def kill(index, answered):
        host.kill()
        print(f"   SIGKILL after {index} checkouts sent ({answered} answered)")
        host.start()

    checkouts = [lambda cart=cart, tok=tok: must("POST", f"/api/carts/{cart}/checkout", tok, None, 200, f"checkout-{cart}")
                 for _, tok, cart, _ in customers]
    done = len(send_breaking(checkouts, {N // 4: kill, N // 2: kill, 3 * N // 4: kill}))
    print(f"== {done} checkouts answered, across 3 kills")

    # Settle: every order leaves Pending (paid or cancelled), bounded.
    deadline = time.time() + 300
    orders = {}
    settled = lambda answer: answer[0] == 200 and answer[1]["status"] in ("paid", "cancelled")
    while time.time() < deadline:
        for _, _, cart, _ in customers:  # a settled order stays settled: read again only the others
            if cart not in orders or not settled(orders[cart]):
                orders[cart] = call("GET", f"/api/orders/{cart}", ADMIN)
        if all(settled(answer) for answer in orders.values()):
            break
        time.sleep(1)
    missing = [c for c, (s, _) in orders.items() if s != 200]
    pending = [c for c, (s, o) in orders.items() if s == 200 and o["status"] not in ("paid", "cancelled")]
    failures = []
    if missing: failures.append(f"{len(missing)} checked-out carts without an order")
    if pending: failures.append(f"{len(pending)} orders still pending after 300 s")

    deposits = debits = refunds = balances = 0.0
    for account, tok, cart, rich in customers:
        events = must("GET", f"/api/accounts/{account}/events?pageSize=200", ADMIN)["events"]
        order_events = must("GET", f"/api/orders/{cart}/events", ADMIN)["events"] if cart not in missing else []
        placed = sum(1 for e in order_events if e["type"] == "order_placed")
        debited = [e for e in events if e["type"] == "order_payment_debited" and e["data"]["orderId"] == cart]
        refunded = [e for e in events if e["type"] == "order_payment_refunded" and e["data"]["orderId"] == cart]
        status = orders.get(cart, (None, {}))[1].get("status") if cart not in missing else None
        if placed != 1: failures.append(f"cart {cart}: {placed} order_placed events")
        if rich and status != "paid": failures.append(f"order {cart}: {status}, expected paid")
        if not rich and status != "cancelled": failures.append(f"order {cart}: {status}, expected cancelled")
        if status == "paid" and len(debited) != 1: failures.append(f"order {cart}: {len(debited)} debits")
        if status == "cancelled" and len(debited) != len(refunded): failures.append(f"order {cart}: debited without refund")
        deposits += sum(e["data"]["amount"] for e in events if e["type"] == "funds_deposited")
        debits += sum(e["data"]["amount"] for e in debited)
        refunds += sum(e["data"]["amount"] for e in refunded)
        balances += must("GET", f"/api/accounts/{account}", ADMIN)["balance"]
    if round(deposits - debits + refunds, 2) != round(balances, 2):
        failures.append(f"money: deposits {deposits:.2f} - debits {debits:.2f} + refunds {refunds:.2f} != balances {balances:.2f}")

    # The async statement (rebuilt by the daemon after each kill) must end where the account is.
    deadline = time.time() + 300
    stale = []
    while time.time() < deadline:
        stale = [a for a, tok, _, _ in customers
                 if must("GET", f"/api/accounts/{a}/statement?pageSize=1", ADMIN)["balance"] != must("GET", f"/api/accounts/{a}", ADMIN)["balance"]]
        if not stale: break
        time.sleep(2)
    if stale: failures.append(f"{len(stale)} statements do not match their account after 300 s")
    wait_caught_up()

    paid = sum(1 for _, (s, o) in orders.items() if s == 200 and o["status"] == "paid")
    print(f"== {paid} paid, {len(customers) - paid} cancelled; deposits {deposits:.2f}, debits {debits:.2f}, "
          f"refunds {refunds:.2f}, balances {balances:.2f}")
    return failures


def send_breaking(requests, breaks, concurrency=8):
    """Sends the requests (functions of no argument) at steady concurrency and returns their answers in order. Before
    the request at each index of `breaks`, waits (30 s at most) until most of those sent were answered, then calls
    breaks[index](index, answered): their orders, debits and replies are then in flight between the modules (outbox,
    queues, broker), which is the moment worth breaking something."""
    with futures.ThreadPoolExecutor(concurrency) as pool:
        pending = []
        answered = lambda: sum(1 for p in pending if p.done())
        for index, request in enumerate(requests):
            if index in breaks:
                wait_until = time.time() + 30
                while answered() < index - concurrency and time.time() < wait_until:
                    time.sleep(0.05)
                breaks[index](index, answered())
            pending.append(pool.submit(request))
        return [p.result() for p in pending]


def finish(failures, check):
    if server_errors:
        failures = failures + [f"{len(server_errors)} answers 5xx, e.g. {server_errors[:5]}"]
    if failures:
        print("FAIL:\n  " + "\n  ".join(failures[:30]))
        sys.exit(1)
    print(f"PASS: {check}")


def wait_caught_up(base=None, seconds=300):
    deadline = time.time() + seconds
    while time.time() < deadline:
        shards = must("GET", "/api/admin/projections", ADMIN, base=base)
        if all(s["lagEvents"] == 0 for s in shards):
            return shards
        time.sleep(1)
    raise SystemExit(f"FAIL: async projections not caught up within {seconds} s")


# Every projection and the table its documents live in (mt_doc_<document alias>, suffixed _<n> from version 2 on).
PROJECTIONS = [("accounts", "Account", "accounts.mt_doc_account"),
               ("accounts", "AccountStatement", "accounts.mt_doc_accountstatement"),
               ("cart", "ShoppingCart", "cart.mt_doc_shoppingcart"),
               ("cart", "ProductPerformance", "cart.mt_doc_productperformance"),
               ("orders", "OrderSummary", "orders.mt_doc_ordersummary"),
               ("orders", "CustomerOrderHistory", "orders.mt_doc_customerorderhistory"),
               ("orders", "DailySales", "orders.mt_doc_dailysales_2")]


def psql(env, query):
    """Rows of a query against the host's database (its connection string in `env`), as lists of strings."""
    fields = dict(part.split("=", 1) for part in env["ConnectionStrings__Postgres"].split(";") if "=" in part)
    result = subprocess.run(["psql", "-h", fields["Host"], "-p", fields["Port"], "-U", fields["Username"], "-d",
                             fields["Database"], "-Atc", query],
                            env=dict(os.environ, PGPASSWORD=fields["Password"]), capture_output=True, text=True, check=True)
    return [line.split("|") for line in result.stdout.splitlines() if line]


def documents(env, table):
    return {row[0]: json.loads("|".join(row[1:])) for row in psql(env, f"select id::text, data::text from {table} order by id")}


def compare_with_replay(env):
    """Each projection's documents, as the live system left them, against a rebuild from the events alone."""
    failures = []
    for module, projection, table in PROJECTIONS:
        live = documents(env, table)
        rebuilt = subprocess.run(["dotnet", HOST_DLL, "rebuild", "--module", module, "--projection", projection],
                                 cwd=os.path.dirname(HOST_DLL), env=env, capture_output=True, text=True, timeout=300)
        if rebuilt.returncode != 0:
            failures.append(f"rebuild {module}/{projection} exited {rebuilt.returncode}: {rebuilt.stderr.strip()[-300:]}")
            continue
        replayed = documents(env, table)
        differ = [key for key in live.keys() | replayed.keys() if live.get(key) != replayed.get(key)]
        print(f"   {module}/{projection}: {len(live)} documents, {len(differ)} differ from a fresh replay")
        if differ:
            failures.append(f"{module}/{projection}: {len(differ)} of {len(live)} documents differ from a replay, "
                            f"e.g. {differ[0]}: {live.get(differ[0])} vs {replayed.get(differ[0])}")
    return failures


if __name__ == "__main__":
    main()
