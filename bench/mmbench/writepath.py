"""The write path of issue #13: an idle host's CPU, parallel writers on one aggregate without If-Match, and deposits
on an account with a long order history beside a fresh one, in the same run."""
import concurrent.futures as futures, os, threading, time
from . import load
from .infra import _cpu_seconds, call, log, must, psql
from .scenarios import SKUS, new_customer, pool_map


def idle_cpu(pid, seconds):
    """Host CPU with no request at all, in % of one core (/proc/<pid>/stat), after 5 s to settle: over a first span of
    `seconds` (the runtime still recompiles what turned hot during start-up and the seed) and a second one right after
    it (an idle host once started: the figure the target is judged on; docs/adr/0012)."""
    time.sleep(5)

    def span():
        before, started = _cpu_seconds(pid), time.time()
        time.sleep(seconds)
        used, elapsed = _cpu_seconds(pid) - before, time.time() - started
        return {"seconds": round(elapsed, 1), "cpu_s": round(used, 3), "pct_of_one_core": round(100 * used / elapsed, 2)}

    first = span()
    result = {**span(), "first": first}
    log(f"idle host: {result}")
    return result


def parallel_writers(rounds, writers=20):
    """`writers` withdrawals of 1.00 at once, without If-Match, on an account holding 100.00 (the rules allow every
    one of them), `rounds` times on fresh accounts: the share that succeeds and the latency percentiles."""
    statuses, latencies = [], []
    for r in range(rounds):
        account, tok = new_customer(f"race{r}", deposit=100)
        barrier = threading.Barrier(writers)

        def withdraw(_):
            barrier.wait()
            started = time.perf_counter()
            status, _ = call("POST", f"/api/accounts/{account}/withdrawals", tok, {"amount": 1.00}, timeout=30)
            return status, (time.perf_counter() - started) * 1000
        with futures.ThreadPoolExecutor(writers) as pool:
            for status, ms in pool.map(withdraw, range(writers)):
                statuses.append(status)
                latencies.append(ms)
        balance = must("GET", f"/api/accounts/{account}", tok)["balance"]
        ok = sum(1 for s in statuses[-writers:] if s and 200 <= s < 300)
        if abs(float(balance) - (100 - ok)) > 1e-9:
            raise RuntimeError(f"account {account}: {ok} withdrawals answered 2xx but the balance is {balance}")
    succeeded = sum(1 for s in statuses if s and 200 <= s < 300)
    result = {"writers": writers, "rounds": rounds, "requests": len(statuses), "succeeded": succeeded,
              "success_share": round(succeeded / len(statuses), 4),
              "answers": {str(s): statuses.count(s) for s in sorted(set(statuses), key=str)},
              "latency": load.percentiles(latencies)}
    log(f"parallel writers: {result}")
    return result


def long_history_deposits(orders, deposits):
    """An account that paid `orders` orders (each through the real flow: cart, item, checkout, payment by message)
    and a fresh account; then `deposits` deposits on each, alternating, one at a time: p50 ratio long ÷ fresh."""
    started = time.time()
    account, tok = new_customer("history", deposit=orders + 100)

    def order(i):
        cart = must("POST", "/api/carts", tok)["id"]
        must("POST", f"/api/carts/{cart}/items", tok, {"sku": SKUS[i % len(SKUS)], "quantity": 1})
        must("POST", f"/api/carts/{cart}/checkout", tok)
    pool_map(order, range(orders))
    # Wait until every order is paid, or until the payments stop moving for 60 s (a payment dead-lettered: counted).
    expected, balance, moved = 100.0, None, time.time()
    while time.time() - moved < 60:
        now = float(must("GET", f"/api/accounts/{account}", tok)["balance"])
        if abs(now - expected) < 1e-9:
            break
        if now != balance:
            balance, moved = now, time.time()
        time.sleep(0.5)
    balance = float(must("GET", f"/api/accounts/{account}", tok)["balance"])
    unpaid = int(round(balance - expected))
    dead_letters = int(psql("select count(*) from wolverine.wolverine_dead_letters"))
    if unpaid:
        log(f"long history: {unpaid} of {orders} orders not paid; {dead_letters} dead letters")
    prepared_s = round(time.time() - started, 1)
    fresh, fresh_tok = new_customer("fresh", deposit=100)
    times = {"long": [], "fresh": []}
    for i in range(deposits):
        for name, (acc, t) in (("long", (account, tok)), ("fresh", (fresh, fresh_tok))):
            began = time.perf_counter()
            must("POST", f"/api/accounts/{acc}/deposits", t, {"amount": 1.00})
            times[name].append((time.perf_counter() - began) * 1000)
    long_p, fresh_p = load.percentiles(times["long"]), load.percentiles(times["fresh"])
    result = {"orders_paid": orders - unpaid, "orders_not_paid": unpaid, "dead_letters": dead_letters,
              "prepared_s": prepared_s, "deposits_each": deposits, "long_history": long_p,
              "fresh": fresh_p, "p50_ratio": round(long_p["p50_ms"] / fresh_p["p50_ms"], 2) if fresh_p["p50_ms"] else None}
    log(f"deposits, {orders} paid orders beside a fresh account: {result}")
    return result
