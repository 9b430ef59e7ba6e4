#!/usr/bin/env python3
"""Scripted check: a projection changes version under load, without downtime (blue/green).

Two "blue" hosts run DailySales version 1 (Orders__DailySalesVersion=1: the previous release's projection) and take
checkouts and cancellations. While that load goes on, a "green" host with version 2 (refunds counted) joins the same
PostgreSQL. Then:
  - the green node builds version 2 from the whole log, in its own table, beside version 1 (Wolverine runs each version
    only on nodes that have it), and catches up with the head of the log while the load goes on;
  - the blue nodes go on serving version 1 the whole time: every report answers 200 with version 1's figures;
  - once version 2 has caught up, the blue nodes stop (the switch); the green node serves version 2, whose figures
    equal what the script did (sales and refunds per sku), and it goes on projecting new orders;
  - no request answered 5xx at any point.
Own PostgreSQL and three host ports (free ports picked at start, or MM_BLUE_GREEN_PG_PORT); every wait is bounded.
Requests and hosts as in crash-recovery.py: reads retried, writes retried with the same Idempotency-Key, hosts on
pre-generated code; any 5xx fails the check. Usage: eng/checks/blue-green.py [N]
"""
import concurrent.futures as futures, importlib.util, os, sys, threading, time, uuid

HERE = os.path.dirname(__file__)


def load(name, file):
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, file))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


nodes_check = load("nodes", "several-nodes.py")
crash = nodes_check.crash
N = int(sys.argv[1]) if len(sys.argv) > 1 else 60
BLUE, GREEN = nodes_check.PORTS[:2], nodes_check.PORTS[2]
crash.PG_ENV.update(MM_PG_PORT=os.environ.get("MM_BLUE_GREEN_PG_PORT") or str(crash.free_port()),
                    MM_PG_DIR=os.path.join(crash.ROOT, ".local", "blue-green"))
PRICES = {"banana": 1.00, "mango": 2.00}
on = nodes_check.on  # retried (writes with one Idempotency-Key); a 5xx is recorded and fails the check


def shard(port, name):
    shards = on(port, "GET", "/api/admin/projections", crash.ADMIN)
    return next(s for s in shards if s["projection"] == name)


def sales(port):
    """The report of today (UTC) from one node, per sku; None for a sku not in it."""
    day = time.strftime("%Y-%m-%d", time.gmtime())
    days = on(port, "GET", f"/api/reports/sales?from={day}&to={day}", crash.ADMIN)
    return days[0]["skus"] if days else {}


def placed_on_capable_nodes(env):
    """Wolverine's own record of where the two versions run: v2 on the node that has it, v1 on another."""
    deadline = time.time() + 120  # an agent being moved has no assignment row for a moment
    while True:
        rows = crash.psql(env, """
            select a.id, n.node_number, n.capabilities::text from wolverine.wolverine_node_assignments a
            join wolverine.wolverine_nodes n on n.id = a.node_id where a.id like '%/dailysales/all%'""")
        on_node = {("v2" if uri.endswith("/v2") else "v1"): (number, capabilities) for uri, number, capabilities in rows}
        if set(on_node) == {"v1", "v2"} or time.time() > deadline:
            break
        time.sleep(1)
    if set(on_node) != {"v1", "v2"}:
        raise SystemExit(f"FAIL: DailySales v1 and v2 should each run on one node; assignments: {rows}")
    if "dailysales/all/v2" not in on_node["v2"][1] or "dailysales/all/v2" in on_node["v1"][1]:
        raise SystemExit(f"FAIL: a DailySales version runs on a node that does not have it: {rows}")
    return f"Wolverine runs DailySales v1 on node {on_node['v1'][0]} (blue) and v2 on node {on_node['v2'][0]} (green)"


def main():
    os.makedirs(os.path.join(crash.ROOT, ".local"), exist_ok=True)
    crash.build_host()
    connection_string = crash.postgres("start")
    blue = [nodes_check.Node(connection_string, port) for port in BLUE]
    green = nodes_check.Node(connection_string, GREEN)
    for node in blue:
        node.env["Orders__DailySalesVersion"] = "1"
    try:
        blue[0].start()
        nodes_check.wait(blue[0].ready, 180, "blue node 1 ready")
        blue[1].start()
        nodes_check.wait(blue[1].ready, 180, "blue node 2 ready")
        run(blue, green)
    finally:
        nodes_check.stop(blue + [green])
        crash.postgres("destroy")


def run(blue, green):
    admin = crash.ADMIN
    for sku, price in PRICES.items():
        on(BLUE[0], "PUT", f"/api/catalog/products/{sku}", admin, {"name": sku.title(), "unitPrice": price})

    done = []  # (cart, cancelled) per finished customer

    def customer(i, port):
        account = on(port, "POST", "/api/accounts", None, {"name": f"Blue green {i}",
                     "email": f"bg{i}.{uuid.uuid4().hex[:8]}@example.com", "phone": "+15551234567"}, 201)["id"]
        tok = crash.token(account, "customer")
        on(port, "POST", f"/api/accounts/{account}/deposits", tok, {"amount": 20})
        cart = on(port, "POST", "/api/carts", tok, None, 201)["id"]
        on(port, "POST", f"/api/carts/{cart}/items", tok, {"sku": "banana", "quantity": 2})
        on(port, "POST", f"/api/carts/{cart}/items", tok, {"sku": "mango", "quantity": 1})
        on(port, "POST", f"/api/carts/{cart}/checkout", tok)
        def paid():  # 404 until Orders has handled the checkout message
            status, order = crash.call("GET", f"/api/orders/{cart}", tok, base=f"http://127.0.0.1:{port}")
            return status == 200 and order["status"] == "paid"
        nodes_check.wait(paid, 180, f"order {cart} paid")
        cancel = i % 3 == 0  # every third paid order is cancelled, hence refunded
        if cancel:
            on(port, "POST", f"/api/orders/{cart}/cancellation", tok)
        done.append((cart, cancel))

    def load(first, count, ports):
        with futures.ThreadPoolExecutor(4) as pool:
            for result in [pool.submit(customer, i, ports[i % len(ports)]) for i in range(first, first + count)]:
                result.result()

    load(0, N, BLUE)
    print(f"== blue: {N} customers through 2 nodes running DailySales v1")
    nodes_check.wait(lambda: shard(BLUE[0], "DailySales")["lagEvents"] == 0, 180, "v1 caught up on the blue nodes")
    v1_before = sales(BLUE[0])

    # Green joins while the blue nodes keep taking orders and serving reports.
    background_failures = []

    def background_load():  # a failure in this thread must fail the check, not just end the thread
        try:
            load(N, N, BLUE)
        except BaseException as failure:
            background_failures.append(failure)

    background = threading.Thread(target=background_load)
    background.start()
    started = time.time()
    green.start()
    nodes_check.wait(green.ready, 180, "green node ready")
    reports = 0
    while True:  # at least once: the blue nodes answer while the green node builds, whatever its speed
        building = background.is_alive() or shard(GREEN, "DailySales")["lagEvents"] > 0
        for port in BLUE:
            skus = sales(port)
            reports += 1
            if any(s["refundedRevenue"] != 0 for s in skus.values()):
                raise SystemExit(f"FAIL: blue node :{port} served refunds, which version 1 does not count")
        if not building:
            break
        if time.time() - started > 420:
            raise SystemExit("FAIL: DailySales v2 did not catch up within 420 s")
        time.sleep(0.5)
    background.join()
    if background_failures:
        raise SystemExit(f"FAIL: the load during the build: {background_failures[0]}")
    v2 = shard(GREEN, "DailySales")
    placement = placed_on_capable_nodes(green.env)
    print(f"== green: DailySales v{v2['version']} ({v2['shard']}) built beside v1 and caught up at "
          f"{v2['position']}/{v2['highWaterMark']} in {time.time() - started:.1f} s; "
          f"{reports} reports served by the blue nodes meanwhile")

    print(f"   {placement}")

    # The switch: traffic goes to green, the blue nodes stop. New orders go on being projected by version 2.
    nodes_check.wait(lambda: shard(BLUE[0], "DailySales")["lagEvents"] == 0, 180, "v1 caught up before the switch")
    v1_final = sales(BLUE[0])
    for node in blue:
        node.kill()
    load(2 * N, N // 3, [GREEN])
    nodes_check.wait(lambda: shard(GREEN, "DailySales")["lagEvents"] == 0, 180, "v2 caught up after the switch")
    print(f"== switched: blue nodes stopped, {N // 3} more customers through the green node")

    failures = []
    # The load applies no discount, so discounts and refundedDiscounts stay 0 and net = revenue - refundedRevenue.
    expected = {sku: {"unitsSold": 0, "revenue": 0.0, "discounts": 0.0, "unitsRefunded": 0, "refundedRevenue": 0.0,
                      "refundedDiscounts": 0.0} for sku in PRICES}
    for index, (cart, cancelled) in enumerate(done):
        for sku, quantity in (("banana", 2), ("mango", 1)):
            expected[sku]["unitsSold"] += quantity
            expected[sku]["revenue"] += quantity * PRICES[sku]
            if cancelled:
                expected[sku]["unitsRefunded"] += quantity
                expected[sku]["refundedRevenue"] += quantity * PRICES[sku]
    v2_final = sales(GREEN)
    for sku, want in expected.items():
        got = v2_final.get(sku, {})
        for field, value in want.items():
            if abs(float(got.get(field, -1)) - value) > 1e-6:
                failures.append(f"v2 {sku}.{field}: {got.get(field)} != {value}")
        if abs(float(got.get("netRevenue", -1)) - (want["revenue"] - want["discounts"] - want["refundedRevenue"] + want["refundedDiscounts"])) > 1e-6:
            failures.append(f"v2 {sku}.netRevenue: {got.get('netRevenue')}")
        if any(v1_final.get(sku, {}).get(f) != 0 for f in ("unitsRefunded", "refundedRevenue")):
            failures.append(f"v1 {sku} counted refunds: {v1_final.get(sku)}")
        if v1_final.get(sku, {}).get("unitsSold", 0) < v1_before.get(sku, {}).get("unitsSold", 0):
            failures.append(f"v1 {sku} went backwards")

    total = len(done)
    print(f"== {total} orders, {sum(1 for _, c in done if c)} refunded; v2 report: "
          + ", ".join(f"{sku} sold {v2_final[sku]['unitsSold']} net {v2_final[sku]['netRevenue']}" for sku in PRICES))
    crash.finish(failures, "blue/green projection change")


if __name__ == "__main__":
    main()
