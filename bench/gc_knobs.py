"""Where the host's memory goes before any long history, and what GC settings change it (#13, item 4). Same build and
database for every variant, two rounds in alternating order; per variant: RSS and GC committed at start, then after
8 s of add item at 8 clients (closed loop: its tx/s is the throughput cost of the setting), with the peak RSS.
`bench/run.sh --compare` is the throughput tool of record for settings; this one adds the memory split (file-backed
code images against anonymous memory, GC committed, threads) that #13 asked about.

    MM_BENCH_PG_PORT=55481 MM_BENCH_HTTP_PORT=5101 python3 bench/gc_knobs.py <host dll> \
        workstation:DOTNET_gcServer=0 conserve:DOTNET_GCConserveMemory=5 nodatas:DOTNET_GCDynamicAdaptationMode=0

With `--phases` first, each variant runs the shape of the full run's load phases instead of 8 s of add item (add item
at 8 and 32 clients, open cart and open account at 32, one account paying `MM_GC_ORDERS` orders (default 1,500), then
300 checkouts at 40/s) and prints the peak RSS of each phase, with the memory split, the GC's heap by generation and
the database connections the host holds at the end of it (#13's RSS target is judged on these phases);
`MM_GC_ROUNDS=1` runs one round:

    MM_BENCH_PG_PORT=55481 MM_BENCH_HTTP_PORT=5101 python3 bench/gc_knobs.py --phases <host dll> name:ENV=V ...
"""
import os, re, sys, time, urllib.request, uuid
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mmbench import scenarios, load, writepath
from mmbench.infra import Host, postgres, psql, Sampler, BASE, _cpu_seconds
from mmbench.scenarios import new_customer

MB = 1 << 20


def memory(pid):
    text = urllib.request.urlopen(f"{BASE}/metrics").read().decode()
    committed = re.search(r'(?m)^dotnet_gc_last_collection_memory_committed_size_bytes(?:\{[^}]*\})? (\S+)', text)
    with open(f"/proc/{pid}/status") as f:
        status = dict(line.split(":", 1) for line in f)
    kb = lambda k: int(status[k].split()[0]) // 1024
    return (kb("VmRSS"), int(float(committed.group(1))) // MB if committed else -1, kb("RssAnon"), kb("RssFile"),
            int(status["Threads"]), kb("RssShmem"))


def detail(pid):
    """The memory split at one instant: file-backed vs anonymous pages, the GC's heap by generation after its last
    collection, threads, and the connections the host holds open on the bench's database (idle ones are pooled)."""
    text = urllib.request.urlopen(f"{BASE}/metrics").read().decode()
    heap = {m.group(1): int(float(m.group(2))) // MB for m in re.finditer(
        r'(?m)^dotnet_gc_last_collection_heap_size_bytes\{[^}]*gc_heap_generation="(\w+)"[^}]*\} (\S+)', text)}
    rss, committed, anon, files, threads, shmem = memory(pid)
    connections = psql("select coalesce(string_agg(state || ' ' || n, ', '), 'none') from (select state, count(*) n "
                       "from pg_stat_activity where datname = 'modularmonolith' and pid <> pg_backend_pid() "
                       "group by state order by state) s")
    return (f"RSS {rss} (anon {anon}, files {files}, shared {shmem}); GC committed {committed}, heap by generation {heap}; "
            f"{threads} threads; connections: {connections}")


def phases(dll, variants):
    """The full run's load phases, shortened, once per variant: peak RSS by phase and the memory at each phase's end."""
    orders = int(os.environ.get("MM_GC_ORDERS", "1500"))
    data = None
    for round_ in range(int(os.environ.get("MM_GC_ROUNDS", "2"))):
        for name, env in (variants if round_ == 0 else variants[::-1]):
            host = Host(dll)
            host.env.update(env)
            ready_s, spawned = host.start()
            new_customer("first")  # the cold start's second figure: spawn → first command answered
            first_command_s = time.perf_counter() - spawned
            pid = host.process.pid
            sampler = Sampler(pid).start()
            try:
                if data is None:
                    items, tokens, _ = scenarios.seed_command_data(256)
                    data = {"items": items, "tokens": tokens}
                print(f"round {round_} {name}: ready {ready_s:.2f} s, first command {first_command_s:.2f} s; started: "
                      f"{detail(pid)}", flush=True)
                steps = [("add_item c=8", lambda: load.wrk("add-item.lua", 8, 8, data["items"])),
                         ("add_item c=32", lambda: load.wrk("add-item.lua", 32, 8, data["items"])),
                         ("open_cart c=32", lambda: load.wrk("open-cart.lua", 32, 6, data["tokens"], nonce=uuid.uuid4().hex[:8])),
                         ("open_account c=32", lambda: load.wrk("open-account.lua", 32, 6, nonce=uuid.uuid4().hex[:8])),
                         ("long_history", lambda: writepath.long_history_deposits(orders, 20)),
                         ("checkout", lambda: scenarios.checkout_to_paid({"checkouts": 300, "checkout_rate": 40}, sampler))]
                for phase, run in steps:
                    sampler.phase = phase
                    cpu_before = _cpu_seconds(pid)
                    result = run()
                    cpu_ms = (_cpu_seconds(pid) - cpu_before) * 1000
                    # Host CPU per request: less sensitive to a shared machine than tx/s (the tiering settings' cost).
                    rate = (f"{result['tx_per_s']:.0f} tx/s p99 {result['p99_ms']:.1f} ms errors {result['errors']}, host CPU "
                            f"{cpu_ms / max(1, result['requests']):.2f} ms/request; ") if "tx_per_s" in result else ""
                    own = (phase, "checkout_prepare") if phase == "checkout" else (phase,)
                    peak = max((s[1] for s in sampler.samples if s[0] in own), default=0)
                    print(f"round {round_} {name:12s} {phase:17s} peak RSS {peak:.0f} | {rate}{detail(pid)}", flush=True)
                sampler.stop()
                print(f"round {round_} {name:12s} PEAK over all phases {max(s[1] for s in sampler.samples):.0f} MB",
                      flush=True)
            finally:
                sampler.stop()
                host.stop()


def main():
    run_phases = sys.argv[1] == "--phases"
    if run_phases:
        del sys.argv[1]
    dll = sys.argv[1]
    variants = [("baseline", {})]
    for spec in sys.argv[2:]:
        name, _, assignments = spec.partition(":")
        variants.append((name, dict(a.split("=", 1) for a in assignments.split(",") if a)))
    postgres("destroy")
    postgres("start")
    try:
        scenarios.create_schema_objects(dll)
        if run_phases:
            return phases(dll, variants)
        items = None
        for round_ in range(2):
            for name, env in (variants if round_ == 0 else variants[::-1]):
                host = Host(dll)
                host.env.update(env)
                host.start()
                try:
                    if items is None:
                        items, _, _ = scenarios.seed_command_data(256)
                    started = memory(host.process.pid)
                    sampler = Sampler(host.process.pid).start()
                    result = load.wrk("add-item.lua", 8, 8, items)
                    sampler.stop()
                    loaded = memory(host.process.pid)
                    peak = max(s[1] for s in sampler.samples)
                    print(f"round {round_} {name:12s} started: RSS {started[0]} MB (anon {started[2]}, files {started[3]}), "
                          f"GC committed {started[1]} MB, {started[4]} threads | after add item c=8 8 s: "
                          f"{result['tx_per_s']:7.1f} tx/s, RSS {loaded[0]} MB (peak {peak:.0f}; anon {loaded[2]}, files "
                          f"{loaded[3]}), GC committed {loaded[1]} MB, {loaded[4]} threads", flush=True)
                finally:
                    host.stop()
    finally:
        postgres("stop")


if __name__ == "__main__":
    main()
