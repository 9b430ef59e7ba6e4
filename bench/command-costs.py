"""What each command costs per request, in figures a busy machine does not move (issue #13): bytes the host allocates
(the runtime's dotnet.gc.heap.total_allocated counter at /metrics, delta ÷ requests) and statements PostgreSQL runs
(pg_stat_statements, delta ÷ requests), beside host CPU per request for reference. One PostgreSQL cluster and one
database for every variant (MM_BENCH_PG_PORT, MM_BENCH_HTTP_PORT), the bench's seed (256 carts), then per round each
variant's host (A B …, then … B A): start, warm-up of every command, then SECONDS of each command at 8 clients.
The host's background work in those seconds (high-water polling, durability agent) counts too, as in the bench.
"checkouts" are resets (infra.Costs): the module stores' pools send none (ADR 0019), so give a variant
`ConnectionStrings__Postgres=…;No Reset On Close=false` to count every checkout.
Results per round in bench/results/command-costs-<time>.json. Usage:
  python3 bench/command-costs.py SECONDS ROUNDS name=DLL[,ENV=V] name=DLL[,ENV=V]...
"""
import os, sys, time, json, re
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mmbench import load, scenarios
from mmbench.infra import Host, Costs, ROOT, call, log, postgres, psql

COMMANDS = [c for c in scenarios.COMMANDS if c[0] in ("add_item", "open_cart", "open_account")]


def allocated_bytes():
    # The Prometheus exporter answers a scrape from its cache when the previous one is under 300 ms old: wait that out.
    time.sleep(0.4)
    status, text = call("GET", "/metrics")
    if status != 200:
        raise RuntimeError(f"/metrics answered {status}")
    lines = [l for l in text.splitlines() if l.startswith("dotnet_gc_heap_total_allocated")]
    if not lines:
        raise RuntimeError("no dotnet_gc_heap_total_allocated* series at /metrics")
    return sum(float(re.split(r"\s+", l.strip())[-1]) for l in lines)


def main():
    seconds, rounds = int(sys.argv[1]), int(sys.argv[2])
    variants = [a.split("=", 1) for a in sys.argv[3:]]
    postgres("destroy"); postgres("start")
    psql("alter system set shared_preload_libraries = 'pg_stat_statements'")
    postgres("stop"); postgres("start")
    psql("create extension if not exists pg_stat_statements")
    scenarios.create_schema_objects(variants[0][1].split(",")[0])
    data = None
    results = {name: [] for name, _ in variants}
    try:
        for rnd in range(rounds):
            for name, spec in (variants if rnd % 2 == 0 else variants[::-1]):
                dll, *settings = spec.split(",")
                host = Host(dll); host.env.update(s.split("=", 1) for s in settings); host.start()
                try:
                    if data is None:
                        items, tokens, _ = scenarios.seed_command_data(256)
                        data = {"items": items, "tokens": tokens}
                    # Sign-up needs an email never used before: a nonce of its own for every load.
                    for _, script, key, _ in COMMANDS:
                        load.wrk(script, 8, 3, data.get(key), nonce=f"w{rnd}{name}")
                    costs, row = Costs(host.process.pid), {}
                    for command, script, key, _ in COMMANDS:
                        a0, c0 = allocated_bytes(), costs.snapshot()
                        r = load.wrk(script, 8, seconds, data.get(key), nonce=f"m{rnd}{name}")
                        a1, c1 = allocated_bytes(), costs.snapshot()
                        per = Costs.per_request(c0, c1, r["requests"])
                        per["allocated_kb"] = round((a1 - a0) / r["requests"] / 1024, 1)
                        per["tx_per_s"], per["errors"] = r["tx_per_s"], r["errors"]
                        row[command] = per
                        log(f"round {rnd} {name:8s} {command:12s} {per}")
                    results[name].append(row)
                finally:
                    host.stop()
    finally:
        postgres("stop")
    load_average = open("/proc/loadavg").read().split()[:3]
    out = os.path.join(ROOT, "bench", "results", time.strftime("command-costs-%Y%m%d-%H%M%S.json", time.gmtime()))
    with open(out, "w") as f:
        json.dump({"variants": dict(variants), "seconds": seconds, "load_average_at_end": load_average,
                   "rounds": results}, f, indent=1)
    print(out)


if __name__ == "__main__":
    main()
