#!/usr/bin/env python3
"""Benchmark: checkout → paid latency, the monolith (local durable queues) beside the modules apart (RabbitMQ).

The same workload on both topologies, one after the other, on one durable PostgreSQL (fsync and synchronous commit
on: no MM_PG_FAST) started for the run: N customers (default 400) each with a deposit and a filled cart, then their
checkouts at a steady offered rate (open loop, default 20/s, 8 senders). Latency per order = the order's
`order_paid` event timestamp − the cart's `cart_checked_out` event timestamp, both written by PostgreSQL's clock (one
server, so one clock, also with a database per module). Apart: three host processes (accounts, cart, orders), three
databases, RabbitMQ on 127.0.0.1, as eng/checks/modules-apart.py starts them. Prints p50/p95/p99/max per topology and
writes bench/results/checkout-to-paid-apart-<N>-at-<rate>.json. Hosts are the pre-generated build (eng/build-host.sh).
Usage: bench/checkout_to_paid_apart.py [N] [rate]
"""
import concurrent.futures as futures, importlib.util, json, os, subprocess, sys, time

_here = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("apart", os.path.join(_here, "..", "eng", "checks", "modules-apart.py"))
apart = importlib.util.module_from_spec(_spec)
sys.argv, _args = sys.argv[:1], sys.argv[1:]  # the check reads its own N from argv
_spec.loader.exec_module(apart)
crash = apart.crash

N = int(_args[0]) if _args else 400
RATE = float(_args[1]) if len(_args) > 1 else 20.0
crash.PG_ENV.pop("MM_PG_FAST", None)  # durable commits: a benchmark on fsync off would mean nothing
crash.PG_ENV.update(MM_PG_DIR=os.path.join(crash.ROOT, ".local", "bench-apart"))


def percentiles(values):
    values = sorted(values)
    if not values:
        return {}
    pick = lambda q: round(values[min(len(values) - 1, int(q * len(values)))], 1)
    return {"n": len(values), "p50": pick(0.50), "p95": pick(0.95), "p99": pick(0.99), "max": round(values[-1], 1)}


def timestamps(connection_string, schema, event_type):
    fields = dict(part.split("=", 1) for part in connection_string.split(";") if "=" in part)
    out = subprocess.run(["psql", "-h", fields["Host"], "-p", fields["Port"], "-U", fields["Username"], "-d",
                          fields["Database"], "-Atc",
                          f"select stream_id, extract(epoch from timestamp) from {schema}.mt_events where type = '{event_type}'"],
                         env=dict(os.environ, PGPASSWORD=fields["Password"]), capture_output=True, text=True, check=True)
    return {line.split("|")[0]: float(line.split("|")[1]) for line in out.stdout.splitlines() if line}


def measure(accounts, cart, orders, cart_db, orders_db):
    """Prepare N customers, send their checkouts at RATE/s, wait until every order is paid (bounded), read latencies."""
    for sku, name, price in (("banana", "Banana", 1.00), ("mango", "Mango", 2.00)):
        apart.on(cart, "PUT", f"/api/catalog/products/{sku}", crash.ADMIN, {"name": name, "unitPrice": price})

    def prepare(i):
        account = apart.on(accounts, "POST", "/api/accounts", None, {"name": f"Bench {i}",
                           "email": f"b{i}.{time.time_ns()}@example.com", "phone": "+15551234567"}, 201)["id"]
        tok = crash.token(account, "customer")
        apart.on(accounts, "POST", f"/api/accounts/{account}/deposits", tok, {"amount": 10})
        basket = apart.on(cart, "POST", "/api/carts", tok, None, 201)["id"]
        apart.on(cart, "POST", f"/api/carts/{basket}/items", tok, {"sku": "banana", "quantity": 2})
        apart.on(cart, "POST", f"/api/carts/{basket}/items", tok, {"sku": "mango", "quantity": 1})
        return tok, basket

    with futures.ThreadPoolExecutor(8) as pool:
        customers = list(pool.map(prepare, range(N)))
    time.sleep(2)  # let the preparation's async projections settle before the measured phase (not a correctness wait)
    start = time.time()
    with futures.ThreadPoolExecutor(8) as pool:
        for i, (tok, basket) in enumerate(customers):
            wait = start + i / RATE - time.time()
            if wait > 0:
                time.sleep(wait)
            pool.submit(apart.on, cart, "POST", f"/api/carts/{basket}/checkout", tok, None, 200, f"checkout-{basket}")
    deadline = time.time() + 120
    wanted = {basket for _, basket in customers}
    while time.time() < deadline:
        paid = timestamps(orders_db, "orders", "order_paid")
        if wanted <= paid.keys():
            break
        time.sleep(0.5)
    checked_out = timestamps(cart_db, "cart", "cart_checked_out")
    latencies = [(paid[b] - checked_out[b]) * 1000 for b in wanted if b in paid and b in checked_out]
    return {"orders": N, "offered_per_s": RATE, "not_paid_within_120s": len(wanted - paid.keys()),
            "checkout_to_paid_ms": percentiles(latencies)}


def main():
    os.makedirs(os.path.join(crash.ROOT, ".local"), exist_ok=True)
    apart.ensure_rabbitmq()
    crash.build_host()
    rabbit = apart.RabbitMq()
    hosts = []
    results = {}
    try:
        connection_string = crash.postgres("start")
        databases = apart.create_databases(connection_string)

        # The monolith: one process, one database (mm_accounts here) holding every module, local durable queues.
        one = crash.Host(databases["accounts"])
        one.base = f"http://127.0.0.1:{crash.free_port()}"
        one.env["ASPNETCORE_URLS"] = one.base
        one.module = "all"
        hosts.append(one)
        apart.ModuleHost.start(one)
        results["monolith"] = measure(one, one, one, databases["accounts"], databases["accounts"])
        one.process.terminate()
        one.process.wait(timeout=60)
        print(f"== monolith: {results['monolith']}")

        rabbit.start()
        databases = apart.create_databases(connection_string)  # fresh, empty databases for the second run
        apart_hosts = {m: apart.ModuleHost(m, databases[m], rabbit.uri) for m in apart.MODULES}
        hosts += apart_hosts.values()
        for host in apart_hosts.values():
            host.start()
        results["apart_over_rabbitmq"] = measure(apart_hosts["accounts"], apart_hosts["cart"], apart_hosts["orders"],
                                                 databases["cart"], databases["orders"])
        print(f"== apart over RabbitMQ: {results['apart_over_rabbitmq']}")
    finally:
        for host in hosts:
            if host.process and host.process.poll() is None:
                host.kill()
        rabbit.cleanup()
        crash.postgres("destroy")
    results["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=crash.ROOT, capture_output=True,
                                       text=True).stdout.strip()
    name = f"checkout-to-paid-apart-{N}-at-{RATE:g}.json"
    with open(os.path.join(_here, "results", name), "w") as f:
        json.dump(results, f, indent=2)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
