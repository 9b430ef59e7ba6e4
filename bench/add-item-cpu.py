"""Host CPU per add item (POST /api/carts/{id}/items) at 8 clients, for a change's before/after on a busy machine
(issue #13). One PostgreSQL cluster and one database for every variant (MM_BENCH_PG_PORT, MM_BENCH_HTTP_PORT), the
bench's seed (256 carts), then the variants' hosts alternated (A B …, then … B A), each: start, 4 s warm-up (or
MM_CPU_WARMUP_S: 45 s measures steady state, past the tier-up; a shorter one measures dynamic PGO's instrumented
code), SECONDS of add item, host and PostgreSQL CPU from /proc per request. DELAY_MS=n makes each client pause n ms between
requests (a fixed offered rate, so that the variants serve the same rate). Results as [host ms, pg ms, tx/s, errors]
per round in bench/results/add-item-cpu-<time>.json. Usage:
  python3 bench/add-item-cpu.py profile DLL OUT.speedscope.json         one host, dotnet-trace under 8-client add-item load
  python3 bench/add-item-cpu.py ab SECONDS ROUNDS name=DLL[,ENV=V] name=DLL[,ENV=V]...   one database, hosts alternated
"""
import os, sys, subprocess, time, uuid, json
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mmbench import load, scenarios
from mmbench.infra import Host, postgres, log, _cpu_seconds, _postgres_cpu_seconds

def prepare(dll):
    postgres("destroy"); postgres("start")
    scenarios.create_schema_objects(dll)

def seeded(host):
    items, _, _ = scenarios.seed_command_data(256)
    return items

def main():
    mode = sys.argv[1]
    if mode == "profile":
        dll, out = sys.argv[2], sys.argv[3]
        prepare(dll); host = Host(dll); host.start()
        try:
            items = seeded(host)
            load.wrk("add-item.lua", 8, 5, items)
            tr = subprocess.Popen([os.path.expanduser("~/.dotnet/tools/dotnet-trace"), "collect", "-p", str(host.process.pid),
                                   "--format", "Speedscope", "--duration", "00:00:00:12", "-o", out],
                                  stdout=open(out + ".log", "w"), stderr=subprocess.STDOUT)
            time.sleep(2)
            c0 = _cpu_seconds(host.process.pid)
            r = load.wrk("add-item.lua", 8, 10, items); print(r, "host cpu ms/req (traced)", 1000*(_cpu_seconds(host.process.pid)-c0)/r["requests"])
            tr.wait(timeout=180)
        finally:
            host.stop(); postgres("stop")
        return
    seconds, rounds = int(sys.argv[2]), int(sys.argv[3])
    variants = [a.split("=", 1) for a in sys.argv[4:]]
    prepare(variants[0][1].split(",")[0])
    items = None
    res = {n: [] for n, _ in variants}
    for rnd in range(rounds):
        order = variants if rnd % 2 == 0 else variants[::-1]
        for name, spec in order:
            dll, *settings = spec.split(",")
            host = Host(dll); host.env.update(s.split("=", 1) for s in settings); host.start()
            try:
                if items is None: items = seeded(host)
                load.wrk("add-item.lua", 8, int(os.environ.get("MM_CPU_WARMUP_S", "4")), items)
                h0, p0 = _cpu_seconds(host.process.pid), _postgres_cpu_seconds()
                r = load.wrk("add-item.lua", 8, seconds, items, delay_ms=int(os.environ.get("DELAY_MS", "0")))
                h = 1000*(_cpu_seconds(host.process.pid)-h0)/r["requests"]; p = 1000*(_postgres_cpu_seconds()-p0)/r["requests"]
                res[name].append((h, p, r["tx_per_s"], r["errors"]))
                log(f"round {rnd} {name:8s} host {h:.3f} ms/req pg {p:.3f} ms/req {r['tx_per_s']} tx/s errors {r['errors']}")
            finally:
                host.stop()
    postgres("stop")
    for name, rows in res.items():
        hs = sorted(r[0] for r in rows)
        log(f"{name:8s} host ms/req mean {sum(hs)/len(hs):.3f} median {hs[len(hs)//2]:.3f} all {[round(x,3) for x in hs]}; "
            f"pg mean {sum(r[1] for r in rows)/len(rows):.3f}; tx/s mean {sum(r[2] for r in rows)/len(rows):.0f}")
    json.dump(res, open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", f"add-item-cpu-{time.strftime('%Y%m%d-%H%M%S')}.json"), "w"))
main()
