"""The host's memory through the benchmark's long history (#13): RSS, peak RSS, GC committed and the heap by
generation (the large-object heap among them) from the runtime's own metrics at /metrics, after the seed, after one
account paid N orders, and 10 s later. Not part of bench/run.sh: a before/after tool for one change.

    MM_BENCH_PG_PORT=55481 MM_BENCH_HTTP_PORT=5101 python3 bench/statement_memory.py <host dll> [orders=4000]

It uses this checkout's bench package (its own PostgreSQL cluster under .local/bench, durable settings), so the
"before" host of another commit is measured by the same script: pass that build's dll."""
import os, re, sys, time, urllib.request
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mmbench import scenarios, writepath
from mmbench.infra import Host, postgres, psql, BASE

MB = 1 << 20


def scrape(label, pid):
    text = urllib.request.urlopen(f"{BASE}/metrics").read().decode()
    heap = {m.group(1): int(float(m.group(2))) // MB for m in re.finditer(
        r'(?m)^dotnet_gc_last_collection_heap_size_bytes\{[^}]*gc_heap_generation="(\w+)"[^}]*\} (\S+)', text)}
    committed = re.search(r'(?m)^dotnet_gc_last_collection_memory_committed_size_bytes(?:\{[^}]*\})? (\S+)', text)
    with open(f"/proc/{pid}/status") as f:
        status = dict(line.split(":", 1) for line in f)
    rss, peak = (int(status[k].split()[0]) // 1024 for k in ("VmRSS", "VmHWM"))
    gc = int(float(committed.group(1))) // MB if committed else "?"
    print(f"{label}: RSS {rss} MB (peak {peak}); GC committed {gc} MB; heap after last GC by generation (MB) {heap}",
          flush=True)


def main():
    dll, orders = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 4000
    postgres("destroy")
    postgres("start")
    try:
        scenarios.create_schema_objects(dll)
        host = Host(dll)
        host.start()
        try:
            scrape("started", host.process.pid)
            scenarios.seed_command_data(256)
            scrape("seeded", host.process.pid)
            began = time.time()
            writepath.long_history_deposits(orders, 20)
            scrape(f"after {orders} orders of one account ({time.time() - began:.0f} s)", host.process.pid)
            scenarios.wait_projections_caught_up(120)
            time.sleep(10)  # a measurement pause, not a wait for work: the projections are caught up above
            scrape("projections caught up, 10 s later", host.process.pid)
            if psql("select to_regclass('accounts.mt_doc_statemententry') is not null") == "t":
                # Every head's line count has its rows, numbered 1..n without a gap (the daemon applies slices in parallel).
                print("statement rows: " + psql(
                    "select count(*) || ' rows, heads count ' || (select sum((data->>'lineCount')::int) from accounts.mt_doc_accountstatement)"
                    " || ', accounts whose positions are not 1..n: ' || (select count(*) from (select data->>'accountId' a,"
                    " max((data->>'position')::int) m, count(*) c from accounts.mt_doc_statemententry group by 1) x"
                    " where m <> c) from accounts.mt_doc_statemententry"), flush=True)
        finally:
            host.stop()
    finally:
        postgres("stop")


if __name__ == "__main__":
    main()
