"""Load generators: wrk (HTTP, Lua scripts in bench/wrk) and pgbench (raw SQL, scripts in bench/pgbench)."""
import json, os, shutil, subprocess, tempfile
from .infra import BASE, LIBPQ_ENV, ROOT

WRK_DIR = os.path.join(ROOT, "bench", "wrk")
PGBENCH_DIR = os.path.join(ROOT, "bench", "pgbench")


def wrk(script, clients, seconds, data=None, delay_ms=0, nonce="0", rate=None):
    """Closed-loop HTTP load: `clients` connections, each sending its next request when the previous one answered
    (plus delay_ms); with `rate`, a connection sends at the next free slot of that many requests per second (paced
    per wrk thread, bench/wrk/common.lua) instead. Returns tx/s, latency percentiles (ms) and the error count
    (non-2xx/3xx answers and socket errors)."""
    threads = max(1, min(2, clients))
    env = dict(os.environ, BENCH_LUA_DIR=WRK_DIR, BENCH_DATA=data or "", BENCH_THREADS=str(threads),
               BENCH_DELAY_MS=str(delay_ms), BENCH_NONCE=nonce, BENCH_RATE=str(rate or 0))
    result = subprocess.run(["wrk", "-t", str(threads), "-c", str(clients), "-d", f"{seconds}s", "--timeout", "10s",
                             "-s", os.path.join(WRK_DIR, script), BASE],
                            env=env, capture_output=True, text=True, timeout=seconds + 60)
    line = next((l for l in result.stdout.splitlines() if l.startswith("BENCH_JSON ")), None)
    if result.returncode != 0 or line is None:
        raise RuntimeError(f"wrk {script} failed: {result.stdout[-1000:]} {result.stderr[-1000:]}")
    raw = json.loads(line[len("BENCH_JSON "):])
    seconds_run = raw["duration_us"] / 1e6
    errors = raw["non2xx"] + raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    return {"clients": clients, "seconds": round(seconds_run, 2), "requests": raw["requests"],
            "tx_per_s": round((raw["requests"] - errors) / seconds_run, 1), "errors": errors,
            "p50_ms": raw["p50"] / 1000, "p95_ms": raw["p95"] / 1000, "p99_ms": raw["p99"] / 1000,
            "max_ms": raw["max"] / 1000, "mean_ms": round(raw["mean"] / 1000, 3)}


def pgbench(script, clients, seconds, variables=None, mode="extended"):
    """Closed-loop raw SQL load with pgbench (extended protocol, like Npgsql; `mode="prepared"`: each statement
    prepared once per connection, as Npgsql's auto-prepare does), per-transaction latencies from its log. Returns tx/s,
    latency percentiles (ms), failed transactions and the protocol mode."""
    threads = max(1, min(2, clients))
    workdir = tempfile.mkdtemp(prefix="mm-pgbench-")
    args = ["pgbench", "-n", "-M", mode, "-c", str(clients), "-j", str(threads), "-T", str(seconds),
            "-l", "--log-prefix", os.path.join(workdir, "tx"), "-f", os.path.join(PGBENCH_DIR, script)]
    for name, value in (variables or {}).items():
        args += ["-D", f"{name}={value}"]
    try:
        result = subprocess.run(args, env=LIBPQ_ENV, capture_output=True, text=True, timeout=seconds + 120)
        if result.returncode != 0:
            raise RuntimeError(f"pgbench {script} failed: {result.stderr[-1500:]}")
        latencies = []
        for name in os.listdir(workdir):
            with open(os.path.join(workdir, name)) as f:
                latencies += [int(line.split()[2]) for line in f if line.strip()]
        failed = next((int(l.split(":")[1].split()[0]) for l in result.stdout.splitlines()
                       if l.startswith("number of failed transactions")), 0)
        tps = next(float(l.split("=")[1].split()[0]) for l in result.stdout.splitlines() if l.startswith("tps = "))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    latencies.sort()
    pick = lambda q: round(latencies[min(len(latencies) - 1, int(q * len(latencies)))] / 1000, 3) if latencies else None
    return {"clients": clients, "seconds": seconds, "mode": mode, "transactions": len(latencies), "tx_per_s": round(tps, 1),
            "errors": failed, "p50_ms": pick(0.50), "p95_ms": pick(0.95), "p99_ms": pick(0.99)}


def percentiles(values):
    values = sorted(values)
    if not values:
        return None
    pick = lambda q: values[min(len(values) - 1, int(q * len(values)))]
    return {"count": len(values), "p50_ms": round(pick(0.50), 1), "p95_ms": round(pick(0.95), 1),
            "p99_ms": round(pick(0.99), 1), "max_ms": round(values[-1], 1)}
