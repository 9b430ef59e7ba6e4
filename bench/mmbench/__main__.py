"""bench/run.sh [--quick|--full]: one run of every measurement of issue #7 (see docs/benchmarks.md)."""
import json, os, platform, re, subprocess, sys, time, traceback
from . import report, scenarios, writepath
from .infra import LOCAL, PG_PORT, ROOT, Costs, Host, Sampler, build_host, enable_statement_counts, log, pg_settings, postgres, psql

MODES = {
    "quick": {"clients": [1, 8, 32], "warmup_s": 1, "command_s": 4, "raw_streams": 2000, "carts": 256, "lag_s": 6,
              "checkouts": 120, "checkout_rate": 20, "rebuild_sizes": [100_000],
              "idle_s": 60, "race_rounds": 5, "history_orders": 2000, "history_deposits": 100},
    "full": {"clients": [1, 8, 32], "warmup_s": 3, "command_s": 20, "raw_streams": 5000, "carts": 1024, "lag_s": 30,
             "checkouts": 1200, "checkout_rate": 40, "rebuild_sizes": [100_000, 1_000_000],
             "idle_s": 60, "race_rounds": 20, "history_orders": 10000, "history_deposits": 400},
}


def sh(*args):
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def package_versions():
    text = open(os.path.join(ROOT, "Directory.Packages.props")).read()
    return {m.group(1): m.group(2) for m in re.finditer(r'PackageVersion Include="([^"]+)" Version="([^"]+)"', text)
            if m.group(1) in ("Marten", "WolverineFx", "WolverineFx.Http", "Npgsql")}


def machine():
    meminfo = open("/proc/meminfo").read()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
    return {"cores": os.cpu_count(), "cpu": cpu, "os": platform.platform(),
            "memory_gb": round(int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1)) / 1024 / 1024, 1),
            "load_average_at_start": os.getloadavg()}


def main():
    if "--compare-builds" in sys.argv:
        from . import builds
        return builds.main(sys.argv[sys.argv.index("--compare-builds") + 1:])
    if "--compare" in sys.argv:
        from . import compare
        compare.main(sys.argv[sys.argv.index("--compare") + 1:])
        return 0
    if "--rebuild-only" in sys.argv:  # measurement 5 alone, at the sizes given (default 1,000,000 events)
        sizes = [int(a) for a in sys.argv[sys.argv.index("--rebuild-only") + 1:]] or [1_000_000]
        dll = build_host()
        postgres("destroy")
        postgres("start")
        try:
            scenarios.create_schema_objects(dll)
            print(json.dumps(scenarios.rebuilds({"rebuild_sizes": sizes}, dll), indent=1))
        finally:
            postgres("destroy")
        return 0
    if "--profile" in sys.argv:
        from . import profile
        profile.main(sys.argv[sys.argv.index("--profile") + 1:])
        return 0
    if "--report-only" in sys.argv:  # re-render the console table and docs from bench/results/latest.json
        with open(os.path.join(ROOT, "bench", "results", "latest.json")) as f:
            results = json.load(f)
        results["targets"] = report.targets(results)
        report.console(results)
        report.write_docs(results)
        return 0
    mode = "full" if "--full" in sys.argv else "quick"
    config = MODES[mode]
    started = time.time()
    os.makedirs(LOCAL, exist_ok=True)
    results = {"mode": mode, "config": config, "started_at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
               "commit": sh("git", "-C", ROOT, "rev-parse", "--short", "HEAD"),
               "dirty": bool(sh("git", "-C", ROOT, "status", "--porcelain", "--", "src")),
               "machine": machine(), "failures": [],
               "host": {"environment": "Production", "type_load_mode": "Static", "configuration": "Release", "publish": "framework-dependent, ReadyToRun"},
               "note": report.TARGETS_NOTE}
    log(f"mode {mode}; {report.TARGETS_NOTE}")
    log("building the host (Release, codegen write, ReadyToRun publish) in .local/static-host/src")
    dll = build_host()
    log(f"fresh PostgreSQL on 127.0.0.1:{PG_PORT} with durable settings")
    postgres("destroy")
    postgres("start")
    open(os.path.join(LOCAL, "host.log"), "w").close()  # this run's host log only (counted at the end)
    enable_statement_counts()
    results["pg_settings"] = pg_settings()
    if results["pg_settings"].get("fsync") != "on" or results["pg_settings"].get("synchronous_commit") != "on":
        raise SystemExit("bench: PostgreSQL is not durable (fsync/synchronous_commit); refusing to measure")
    results["versions"] = {"dotnet_sdk": sh("dotnet", "--version"), "postgres": psql("show server_version"),
                           "wrk": (re.findall(r"wrk \S+", sh("wrk", "-v")) or ["wrk"])[0].split(" ", 1)[-1],
                           "pgbench": (re.findall(r"\d+\.\d+", sh("pgbench", "--version")) or ["?"])[0],
                           **package_versions()}
    host = None
    try:
        log("schemas: a Development start creates them, a short flow creates the lazily created tables")
        scenarios.create_schema_objects(dll)
        log("cold start of the Production host (pre-generated code)")
        host, results["cold_start"] = scenarios.cold_start(dll)
        log(f"cold start: {results['cold_start']}")
        sampler = Sampler(host.process.pid).start()
        items, tokens, accounts = scenarios.seed_command_data(config["carts"])
        data = {"items": items, "tokens": tokens, "accounts": accounts}
        costs = Costs(host.process.pid)
        scenarios.wait_projections_caught_up(60)
        for name, run in [
            ("idle", lambda: writepath.idle_cpu(host.process.pid, config["idle_s"])),
            ("commands", lambda: scenarios.commands(config, data, sampler, costs)),
            ("parallel_writers", lambda: writepath.parallel_writers(config["race_rounds"])),
            ("long_history", lambda: writepath.long_history_deposits(config["history_orders"], config["history_deposits"])),
            ("half_load", lambda: half_load(config, data, results, sampler)),
            ("checkout", lambda: scenarios.checkout_to_paid(config, sampler)),
        ]:
            try:
                sampler.phase = name  # the measurements with phases of their own set them inside
                results[name] = run()
            except Exception as error:  # a failed measurement is reported as failed, the others still run
                traceback.print_exc()
                results["failures"].append(f"{name}: {error}")
        sampler.stop()
        results["resources"] = sampler.summary(
            {p for p in {s[0] for s in sampler.samples} if p.startswith("load:") or p in ("half_load", "checkout")})
        results["resources_all_phases"] = sampler.summary()
        # Where the memory peaks: the highest RSS sampled in each phase, in the order the phases ran.
        results["peak_rss_mb_by_phase"] = {}
        for phase, rss, _, _ in sampler.samples:
            results["peak_rss_mb_by_phase"][phase] = round(max(rss, results["peak_rss_mb_by_phase"].get(phase, 0)), 1)
        host.stop()
        host = None
        try:
            results["add_item_checkouts"] = scenarios.checkouts_per_add_item(config, dll, data)
        except Exception as error:
            traceback.print_exc()
            results["failures"].append(f"add_item_checkouts: {error}")
        try:
            results["rebuild"] = scenarios.rebuilds(config, dll)
        except Exception as error:
            traceback.print_exc()
            results["failures"].append(f"rebuild: {error}")
    finally:
        if host:
            host.stop()
        postgres("stop")
    results["host_log"] = host_log_levels(os.path.join(LOCAL, "host.log"))
    results["duration_s"] = round(time.time() - started, 1)
    results["targets"] = report.targets(results)
    report.console(results)
    log(f"wrote {report.write_json(results)} and {report.write_docs(results)} in {results['duration_s']:.0f} s")
    return 1 if results["failures"] else 0


def host_log_levels(path):
    """Lines at Warning, Error and Critical in the run's host log (the console formatter's `warn:`, `fail:`, `crit:`
    prefixes), with the first three different lines of each kind: what an operator's alerting would have seen during the run."""
    counts, first = {"warn": 0, "fail": 0, "crit": 0}, {"warn": [], "fail": [], "crit": []}
    with open(path, errors="replace") as f:
        lines = f.read().splitlines()
    for i, line in enumerate(lines):
        level = line[:5].rstrip(":").strip()
        if line[4:5] == ":" and level in counts:
            counts[level] += 1
            text = " ".join(l.strip() for l in lines[i:i + 2])[:300]
            if len(first[level]) < 3 and text not in first[level]:
                first[level].append(text)
    return {"warning": counts["warn"], "error": counts["fail"], "critical": counts["crit"],
            "first": {k: v for k, v in first.items() if v}}


def half_load(config, data, results, sampler):
    # The pause assumes the light-load latency (the 1-client mean): at half load a request waits little.
    rows = {r["clients"]: r for r in results["commands"]["add_item"]["rows"]}
    return scenarios.half_load_and_lag(config, data, rows[8]["api"]["tx_per_s"], rows[1]["api"]["mean_ms"], sampler)


if __name__ == "__main__":
    sys.exit(main())
