#!/usr/bin/env python3
"""Scripted check: the three modules in three processes, on three databases, talking over RabbitMQ (issue #17).

Starts RabbitMQ (Debian's rabbitmq-server, installed with apt when missing and root) on 127.0.0.1 with its own data and
log directories under a temporary directory, one PostgreSQL with three databases (mm_accounts, mm_cart, mm_orders),
and three host processes of the one binary: Modules__Enabled=accounts | cart | orders, each with its own
ConnectionStrings__<Module> and the broker's ConnectionStrings__RabbitMq. Drives N customers (default 200) through
sign-up and deposit (accounts process; every fifth cannot pay 3.90), cart and checkout (cart process). Mid-flow it
SIGKILLs the orders process twice (restarting it each time) and stops RabbitMQ for 10 s (then starts it again). Then:
  - every process serves only its own modules' endpoints (the orders API is a 404 on the cart process);
  - every checked-out cart has exactly one order, which ends paid (if its account could pay) or cancelled, once;
  - exactly one debit per paid order, none kept for a cancelled one; deposits - debits + refunds = balances;
  - no dead letters in any process, and every process's async projections reach the head of its log;
  - no 5xx answer, apart from 503s while RabbitMQ is down (and for a minute after, while it comes back).
Everything it starts (RabbitMQ, epmd if it started it, the hosts, PostgreSQL) is stopped by pid, also on failure.
Requests and hosts as in crash-recovery.py (retried with the same Idempotency-Key, pre-generated code, bounded waits).
Usage: eng/checks/modules-apart.py [N]
"""
import concurrent.futures as futures, importlib.util, json, os, shutil, signal, socket, subprocess, sys, tempfile, \
    time, urllib.error, urllib.request, uuid

_spec = importlib.util.spec_from_file_location("crash", os.path.join(os.path.dirname(__file__), "crash-recovery.py"))
crash = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(crash)

N = int(sys.argv[1]) if len(sys.argv) > 1 else 200
MODULES = ("accounts", "cart", "orders")
crash.PG_ENV.update(MM_PG_PORT=os.environ.get("MM_APART_PG_PORT") or str(crash.free_port()),
                    MM_PG_DIR=os.path.join(crash.ROOT, ".local", "apart"))
outages = []  # (start, end or None): 503s answered inside one (plus a minute) are expected, not failures
GRACE_SECONDS = 60


def tolerated(status):
    """A 503 while a dependency is down (or just back) is expected; any other 5xx fails the check."""
    now = time.time()
    return status == 503 and any(start <= now <= (end or now) + GRACE_SECONDS for start, end in outages)


crash.tolerated = tolerated  # crash.call looks it up at each answer
call = crash.call


class RabbitMq:
    """One RabbitMQ node of our own: loopback only, unique node name, data and logs in a temporary directory."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="mm-rabbit-")
        # The distribution (inter-node) port is the AMQP port + 20000: free_port's range keeps it below 65536.
        self.port = int(os.environ.get("MM_APART_RABBIT_PORT") or crash.free_port())
        self.node = f"mmapart{os.getpid()}{uuid.uuid4().hex[:6]}@localhost"
        plugins = os.path.join(self.dir, "enabled_plugins")
        with open(plugins, "w") as f:
            f.write("[].\n")  # no management plugin: it would listen on a fixed port (15672) on every interface
        self.env = dict(os.environ, RABBITMQ_NODE_PORT=str(self.port), RABBITMQ_NODE_IP_ADDRESS="127.0.0.1",
                        RABBITMQ_NODENAME=self.node, RABBITMQ_MNESIA_BASE=os.path.join(self.dir, "mnesia"),
                        RABBITMQ_LOG_BASE=os.path.join(self.dir, "log"), RABBITMQ_ENABLED_PLUGINS_FILE=plugins,
                        RABBITMQ_CONFIG_FILE=os.path.join(self.dir, "rabbitmq"))
        if os.geteuid() == 0:  # Debian's rabbitmq-server switches to the rabbitmq user, who must own its directories
            shutil.chown(self.dir, "rabbitmq", "rabbitmq")
            shutil.chown(plugins, "rabbitmq", "rabbitmq")
        self.process = None
        self.log = open(os.path.join(crash.ROOT, ".local", "apart-rabbitmq.log"), "a")
        self.epmd_before = epmd_pids()
        self.uri = f"amqp://guest:guest@127.0.0.1:{self.port}"

    def start(self):
        self.process = subprocess.Popen(["rabbitmq-server"], env=self.env, stdout=self.log, stderr=self.log,
                                        start_new_session=True)
        deadline = time.time() + 180
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"FAIL: rabbitmq-server exited {self.process.returncode} (see .local/apart-rabbitmq.log)")
            if self.ctl("await_startup", "--timeout", "5").returncode == 0:
                return
            time.sleep(1)
        raise SystemExit("FAIL: RabbitMQ not started within 180 s")

    def ctl(self, *args):
        return subprocess.run(["rabbitmqctl", "-n", self.node, *args], env=self.env, capture_output=True, text=True,
                              timeout=120)

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        try:
            self.ctl("shutdown")
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pass
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)  # our own session: the script and the Erlang VM it started
            self.process.wait(timeout=30)

    def cleanup(self):
        self.stop()
        for pid in epmd_pids() - self.epmd_before:  # the port mapper our node started, not anyone else's
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)


def epmd_pids():
    result = subprocess.run(["pgrep", "-x", "epmd"], capture_output=True, text=True)
    return {int(p) for p in result.stdout.split()}


def ensure_rabbitmq():
    if shutil.which("rabbitmq-server"):
        return
    if os.geteuid() != 0:
        raise SystemExit("FAIL: rabbitmq-server is not installed (apt-get install -y rabbitmq-server, as root)")
    print("== installing rabbitmq-server (apt)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "rabbitmq-server"], env=env, check=True)
    # The package starts its own node where an init system runs it; ours is separate (own name, port and data).


class ModuleHost(crash.Host):
    """One host process running one module, on its own database, over the broker."""

    def __init__(self, module, connection_string, broker):
        super().__init__(connection_string)
        self.module = module
        self.port = crash.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        capitalized = module.capitalize()
        self.env = crash.host_env("", self.base)
        del self.env["ConnectionStrings__Postgres"]
        self.env.update({"Modules__Enabled": module, f"ConnectionStrings__{capitalized}": connection_string,
                         "ConnectionStrings__RabbitMq": broker})
        self.connection_string = connection_string
        self.log = open(os.path.join(crash.ROOT, ".local", f"apart-{module}.log"), "a")

    def start(self):
        self.process = subprocess.Popen(["dotnet", crash.HOST_DLL], cwd=os.path.dirname(crash.HOST_DLL), env=self.env,
                                        stdout=self.log, stderr=self.log)
        deadline = time.time() + 180
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"FAIL: the {self.module} host exited {self.process.returncode} (.local/apart-{self.module}.log)")
            if call("GET", "/health/ready", timeout=5, base=self.base)[0] == 200:
                return
            time.sleep(0.5)
        raise SystemExit(f"FAIL: the {self.module} host not ready within 180 s")


def on(host, method, path, tok=None, body=None, expected=200, key=None):
    return crash.must(method, path, tok, body, expected, key, base=host.base)


def create_databases(connection_string):
    fields = dict(part.split("=", 1) for part in connection_string.split(";") if "=" in part)
    strings = {}
    for module in MODULES:
        database = f"mm_{module}"
        env = dict(os.environ, PGPASSWORD=fields["Password"])
        base = ["psql", "-h", fields["Host"], "-p", fields["Port"], "-U", fields["Username"], "-d", "postgres", "-Atc"]
        subprocess.run(base + [f"drop database if exists {database} with (force)"], env=env, check=True, capture_output=True)
        subprocess.run(base + [f"create database {database}"], env=env, check=True, capture_output=True)
        strings[module] = connection_string.replace(f"Database={fields['Database']}", f"Database={database}")
    return strings


def main():
    os.makedirs(os.path.join(crash.ROOT, ".local"), exist_ok=True)
    ensure_rabbitmq()
    crash.build_host()
    rabbit = RabbitMq()
    hosts = {}
    postgres_started = False
    try:
        started = time.time()
        rabbit.start()
        print(f"== RabbitMQ {rabbit.node} on 127.0.0.1:{rabbit.port} in {time.time() - started:.1f} s")
        connection_string = crash.postgres("start")
        postgres_started = True
        databases = create_databases(connection_string)
        hosts = {m: ModuleHost(m, databases[m], rabbit.uri) for m in MODULES}
        for host in hosts.values():
            host.start()
        print("== three processes ready: " + ", ".join(f"{m} on {h.base}" for m, h in hosts.items()))
        failures = run(hosts, rabbit)
        crash.finish(failures, "modules apart over RabbitMQ")
    finally:
        for host in hosts.values():
            if host.process and host.process.poll() is None:
                host.kill()
        rabbit.cleanup()
        if postgres_started:
            crash.postgres("destroy")


def run(hosts, rabbit):
    accounts, cart, orders = hosts["accounts"], hosts["cart"], hosts["orders"]
    failures = []
    # Each process serves its own modules' endpoints only: a reverse proxy routes by path (docs/architecture.md).
    for host, path in ((cart, f"/api/orders/{uuid.uuid4()}"), (orders, f"/api/carts/{uuid.uuid4()}"),
                       (accounts, "/api/catalog/products/banana")):
        status, _ = call("GET", path, crash.ADMIN, base=host.base)
        if status != 404:
            failures.append(f"GET {path} on the {host.module} process answered {status}, expected 404 (not its module)")

    for sku, name, price in (("banana", "Banana", 1.00), ("mango", "Mango", 2.00)):
        on(cart, "PUT", f"/api/catalog/products/{sku}", crash.ADMIN, {"name": name, "unitPrice": price})
    on(cart, "PUT", "/api/catalog/discounts/2BANANAS", crash.ADMIN, {"sku": "banana", "requiredQuantity": 2, "amountOff": 0.10})

    def prepare(i):
        rich = i % 5 != 0  # every fifth customer cannot pay 3.90
        account = on(accounts, "POST", "/api/accounts", None, {"name": f"Customer {i}",
                     "email": f"c{i}.{uuid.uuid4().hex[:8]}@example.com", "phone": "+15551234567"}, 201)["id"]
        tok = crash.token(account, "customer")
        on(accounts, "POST", f"/api/accounts/{account}/deposits", tok, {"amount": 10 if rich else 1.5})
        basket = on(cart, "POST", "/api/carts", tok, None, 201)["id"]
        on(cart, "POST", f"/api/carts/{basket}/items", tok, {"sku": "banana", "quantity": 2})
        on(cart, "POST", f"/api/carts/{basket}/discount", tok, {"code": "2BANANAS"})
        on(cart, "POST", f"/api/carts/{basket}/items", tok, {"sku": "mango", "quantity": 1})
        return account, tok, basket, rich

    started = time.time()
    with futures.ThreadPoolExecutor(8) as pool:
        customers = list(pool.map(prepare, range(N)))
    print(f"== {N} customers with filled carts in {time.time() - started:.1f} s")

    # Checkouts at steady concurrency; orders SIGKILLed after 1/4 and 3/4, RabbitMQ down for 10 s after 1/2.
    def kill_orders(index, answered):
        orders.kill()
        print(f"   SIGKILL orders after {index} checkouts sent ({answered} answered)")
        orders.start()

    def broker_outage(index, answered):
        outages.append((time.time(), None))
        rabbit.stop()
        print(f"   RabbitMQ stopped after {index} checkouts sent ({answered} answered)")
        time.sleep(10)  # the outage itself, not a wait for asynchronous work
        rabbit.start()
        outages[-1] = (outages[-1][0], time.time())
        print(f"   RabbitMQ back after {outages[-1][1] - outages[-1][0]:.1f} s")

    checkouts = [lambda basket=basket, tok=tok: on(cart, "POST", f"/api/carts/{basket}/checkout", tok, None, 200, f"checkout-{basket}")
                 for _, tok, basket, _ in customers]
    crash.send_breaking(checkouts, {N // 4: kill_orders, N // 2: broker_outage, 3 * N // 4: kill_orders})
    print(f"== {N} checkouts answered, across 2 kills of orders and a 10 s broker outage")

    # Settle: every order leaves Pending (paid or cancelled), bounded.
    deadline = time.time() + 300
    found = {}
    settled = lambda answer: answer[0] == 200 and answer[1]["status"] in ("paid", "cancelled")
    while time.time() < deadline:
        for _, _, basket, _ in customers:
            if basket not in found or not settled(found[basket]):
                found[basket] = call("GET", f"/api/orders/{basket}", crash.ADMIN, base=orders.base)
        if all(settled(answer) for answer in found.values()):
            break
        time.sleep(1)
    missing = [c for c, (s, _) in found.items() if s != 200]
    unsettled = [c for c, (s, o) in found.items() if s == 200 and o["status"] not in ("paid", "cancelled")]
    if missing: failures.append(f"{len(missing)} checked-out carts without an order, e.g. {missing[:3]}")
    if unsettled: failures.append(f"{len(unsettled)} orders neither paid nor cancelled after 300 s, e.g. {unsettled[:3]}")

    deposits = debits = refunds = balances = 0.0
    for account, tok, basket, rich in customers:
        history = on(accounts, "GET", f"/api/accounts/{account}/events?pageSize=200", crash.ADMIN)["events"]
        order_events = on(orders, "GET", f"/api/orders/{basket}/events", crash.ADMIN)["events"] if basket not in missing else []
        kinds = [e["type"] for e in order_events]
        debited = [e for e in history if e["type"] == "order_payment_debited" and e["data"]["orderId"] == basket]
        refunded = [e for e in history if e["type"] == "order_payment_refunded" and e["data"]["orderId"] == basket]
        status = found.get(basket, (None, {}))[1].get("status") if basket not in missing else None
        if kinds.count("order_placed") != 1: failures.append(f"cart {basket}: {kinds.count('order_placed')} order_placed events")
        if kinds.count("order_paid") + kinds.count("order_cancelled") != 1:
            failures.append(f"order {basket}: ended {kinds.count('order_paid')} times paid and {kinds.count('order_cancelled')} times cancelled")
        if rich and status != "paid": failures.append(f"order {basket}: {status}, expected paid")
        if not rich and status != "cancelled": failures.append(f"order {basket}: {status}, expected cancelled")
        if status == "paid" and len(debited) != 1: failures.append(f"order {basket}: {len(debited)} debits")
        if status == "cancelled" and len(debited) != len(refunded): failures.append(f"order {basket}: debited without refund")
        deposits += sum(e["data"]["amount"] for e in history if e["type"] == "funds_deposited")
        debits += sum(e["data"]["amount"] for e in debited)
        refunds += sum(e["data"]["amount"] for e in refunded)
        balances += on(accounts, "GET", f"/api/accounts/{account}", crash.ADMIN)["balance"]
    if round(deposits - debits + refunds, 2) != round(balances, 2):
        failures.append(f"money: deposits {deposits:.2f} - debits {debits:.2f} + refunds {refunds:.2f} != balances {balances:.2f}")

    for module, host in hosts.items():
        shards = crash.wait_caught_up(base=host.base)
        foreign = sorted({s["module"] for s in shards} - {module})
        if foreign: failures.append(f"the {module} process reports projections of {foreign}")
        letters = on(host, "GET", "/api/admin/dead-letters", crash.ADMIN)
        if letters["count"]: failures.append(f"{letters['count']} dead letters in the {module} process: {letters['deadLetters'][:3]}")

    paid = sum(1 for _, (s, o) in found.items() if s == 200 and o["status"] == "paid")
    print(f"== {paid} paid, {N - paid} cancelled; deposits {deposits:.2f}, debits {debits:.2f}, "
          f"refunds {refunds:.2f}, balances {balances:.2f}")
    return failures


if __name__ == "__main__":
    main()
