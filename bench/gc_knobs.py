"""Where the host's memory goes before any long history, and what GC settings change it (#13, item 4). Same build and
database for every variant, two rounds in alternating order; per variant: RSS and GC committed at start, then after
8 s of add item at 8 clients (closed loop: its tx/s is the throughput cost of the setting), with the peak RSS.
`bench/run.sh --compare` is the throughput tool of record for settings; this one adds the memory split (file-backed
code images against anonymous memory, GC committed, threads) that #13 asked about.

    MM_BENCH_PG_PORT=55481 MM_BENCH_HTTP_PORT=5101 python3 bench/gc_knobs.py <host dll> \
        workstation:DOTNET_gcServer=0 conserve:DOTNET_GCConserveMemory=5 nodatas:DOTNET_GCDynamicAdaptationMode=0
"""
import os, re, sys, urllib.request
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mmbench import scenarios, load
from mmbench.infra import Host, postgres, Sampler, BASE

MB = 1 << 20


def memory(pid):
    text = urllib.request.urlopen(f"{BASE}/metrics").read().decode()
    committed = re.search(r'(?m)^dotnet_gc_last_collection_memory_committed_size_bytes(?:\{[^}]*\})? (\S+)', text)
    with open(f"/proc/{pid}/status") as f:
        status = dict(line.split(":", 1) for line in f)
    kb = lambda k: int(status[k].split()[0]) // 1024
    return (kb("VmRSS"), int(float(committed.group(1))) // MB if committed else -1, kb("RssAnon"), kb("RssFile"),
            int(status["Threads"]))


def main():
    dll = sys.argv[1]
    variants = [("baseline", {})]
    for spec in sys.argv[2:]:
        name, _, assignments = spec.partition(":")
        variants.append((name, dict(a.split("=", 1) for a in assignments.split(",") if a)))
    postgres("destroy")
    postgres("start")
    try:
        scenarios.create_schema_objects(dll)
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
