"""bench/run.sh --compare-builds NAME=HOST_DLL[,ENV=V…] NAME=HOST_DLL[,ENV=V…]: two builds of the host (or one build
with two settings) (e.g. before and after a change,
each built with eng/build-host.sh in its own worktree), measured in one run on the same machine and PostgreSQL
cluster: each variant on a fresh database of its own (its own schema, its own seeded accounts), two rounds in
alternating order (A B, then B A), sign-up (POST /api/accounts) and an owner's read (GET /api/accounts/{id}) at 1 and
8 clients. For a change's before/after when the change alters the schema or the data, which `--compare` (environment
only, one build) cannot show. Results in bench/results/compare-builds-<time>.json."""
import json, os, time, uuid
from . import load, scenarios
from .infra import Host, LOCAL, ROOT, _cpu_seconds, _postgres_cpu_seconds, log, postgres

ACCOUNTS = 256
POINTS = [("open_account", "open-account.lua", False, 1), ("open_account", "open-account.lua", False, 8),
          ("get_account", "get-account.lua", True, 1), ("get_account", "get-account.lua", True, 8)]


def seed_accounts():
    rows = scenarios.pool_map(lambda i: scenarios.new_customer(f"read{i}"), range(ACCOUNTS))
    path = os.path.join(LOCAL, "accounts.txt")
    with open(path, "w") as f:
        f.writelines(f"{account} {tok}\n" for account, tok in rows)
    return path


def measure(name, dll, seconds):
    dll, *settings = dll.split(",")
    postgres("destroy")
    postgres("start")
    scenarios.create_schema_objects(dll)
    host = Host(dll)
    host.env.update(setting.split("=", 1) for setting in settings)
    host.start()
    try:
        accounts = seed_accounts()
        load.wrk("open-account.lua", 8, 3, nonce=f"w{uuid.uuid4().hex[:8]}")
        load.wrk("get-account.lua", 8, 3, accounts)
        results = {}
        for label, script, needs_accounts, clients in POINTS:
            # CPU per request (host process, every postgres process) as well as throughput: on a busy machine tx/s
            # measures the neighbours, the CPU a request costs much less so.
            host_cpu, pg_cpu = _cpu_seconds(host.process.pid), _postgres_cpu_seconds()
            r = load.wrk(script, clients, seconds, accounts if needs_accounts else None, nonce=uuid.uuid4().hex[:8])
            if r["requests"]:
                r["host_cpu_ms"] = round(1000 * (_cpu_seconds(host.process.pid) - host_cpu) / r["requests"], 3)
                r["pg_cpu_ms"] = round(1000 * (_postgres_cpu_seconds() - pg_cpu) / r["requests"], 3)
            results[f"{label} c={clients}"] = r
            log(f"{name:10s} {label} c={clients}: {r['tx_per_s']:8.1f} tx/s p50 {r['p50_ms']:.2f} "
                f"p99 {r['p99_ms']:.2f} ms errors {r['errors']}; CPU per request: host {r.get('host_cpu_ms', 0):.3f} ms, "
                f"PostgreSQL {r.get('pg_cpu_ms', 0):.3f} ms")
        return results
    finally:
        host.stop()


def main(args, seconds=5):
    variants = [a.split("=", 1) for a in args]
    if len(variants) != 2 or any(not os.path.isfile(dll.split(",")[0]) for _, dll in variants):
        raise SystemExit("usage: bench/run.sh --compare-builds NAME=HOST_DLL[,ENV=VALUE…] NAME=HOST_DLL[,ENV=VALUE…] "
                         "(built by eng/build-host.sh; the settings go to that variant's host)")
    rounds = []
    for round_ in range(2):
        for name, dll in (variants if round_ == 0 else variants[::-1]):
            rounds.append({"round": round_, "variant": name, "results": measure(name, dll, seconds)})
    postgres("stop")

    summary = {}
    (a, _), (b, _) = variants
    for point in rounds[0]["results"]:
        def mean(name, figure):
            values = [r["results"][point].get(figure) for r in rounds if r["variant"] == name]
            return sum(values) / len(values) if values and None not in values else None
        row = {}
        for figure in ("tx_per_s", "host_cpu_ms", "pg_cpu_ms"):
            row[figure] = {name: mean(name, figure) for name, _ in variants}
            before, after = row[figure][a], row[figure][b]
            row[figure][f"{b} ÷ {a}"] = round(after / before, 3) if before and after is not None else None
        summary[point] = row
        log(f"{point:18s} tx/s {row['tx_per_s'][a]:8.1f} → {row['tx_per_s'][b]:8.1f} (× {row['tx_per_s'][f'{b} ÷ {a}']}); "
            f"host CPU ms/request {row['host_cpu_ms'][a]:.3f} → {row['host_cpu_ms'][b]:.3f} "
            f"(× {row['host_cpu_ms'][f'{b} ÷ {a}']}); PostgreSQL CPU ms/request {row['pg_cpu_ms'][a]:.3f} → "
            f"{row['pg_cpu_ms'][b]:.3f} (× {row['pg_cpu_ms'][f'{b} ÷ {a}']})")
    path = os.path.join(ROOT, "bench", "results", f"compare-builds-{time.strftime('%Y%m%d-%H%M%S')}.json")
    with open(path, "w") as f:
        json.dump({"variants": dict(variants), "seconds": seconds, "rounds": rounds, "summary": summary}, f, indent=2)
    log(f"results in {os.path.relpath(path, ROOT)}")
    return 0
