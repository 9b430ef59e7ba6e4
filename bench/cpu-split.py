"""Where the machine's CPU goes during add item at 8 clients, across every process (issue #13): the host, PostgreSQL,
the load generator and the kernel's work on their behalf, sampled on-CPU with Linux `perf` (apt-get install
linux-perf). dotnet-trace samples only managed threads, whether they run or wait, and sees neither PostgreSQL nor the
kernel's share (loopback TCP, scheduling); this does.

The bench's own PostgreSQL (durable settings) and the Release host from eng/build-host.sh, started with perf maps
(DOTNET_PerfMapEnabled=1) and W^X off (DOTNET_EnableWriteXorExecute=0, so that perf can name the JIT's code; it
moves a little CPU, so the tx/s printed here is not a figure of record). The bench's seed of 256 carts filled to
their 20 lines (as bench/run.sh does), 40 s of warm-up past the tier-up, a settled database, then `perf record -a -g`
at 499 Hz over SECONDS of add item at 8 clients. Per-request figures come from /proc as in the bench.

Prints and writes bench/results/cpu-split-<time>.json: the share of all samples per process; the host's samples by
what ran (kernel by system call, the runtime, managed code by assembly); PostgreSQL's by the work the stack was in
(overlapping: a sample in the append function that waits on the WAL counts in both). Usage:
  python3 bench/cpu-split.py [SECONDS]
"""
import collections, json, os, re, shutil, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mmbench import load, scenarios
from mmbench.infra import Host, Costs, ROOT, build_host, enable_statement_counts, log, postgres

HZ = 499

# The host's managed code, grouped by the assembly of the function that was running.
ASSEMBLIES = [
    ("System.Text.Json", "JSON (System.Text.Json)"), ("Npgsql", "Npgsql"),
    ("Marten", "Marten, Weasel, JasperFx"), ("Weasel", "Marten, Weasel, JasperFx"), ("JasperFx", "Marten, Weasel, JasperFx"),
    ("Wolverine", "Wolverine"), ("Microsoft.AspNetCore", "ASP.NET Core (Kestrel, routing, auth)"),
    ("Microsoft.IdentityModel", "JWT validation (IdentityModel)"), ("OpenTelemetry", "OpenTelemetry, DiagnosticSource"),
    ("System.Diagnostics.DiagnosticSource", "OpenTelemetry, DiagnosticSource"), ("Polly", "Polly (Marten's resilience)"),
    ("ModularMonolith", "this project's code"), ("System.Private.CoreLib", "CoreLib (async, collections, strings)"),
    ("System.Runtime", "CoreLib (async, collections, strings)"), ("System.Net", "System.Net (sockets)"),
]
# The kernel's work for the host, by the system call (or interrupt) on the stack.
SYSCALLS = [
    ("sendto", "kernel: sending (loopback TCP delivers to the receiver inline)"), ("__x64_sys_send", "kernel: sending (loopback TCP delivers to the receiver inline)"),
    ("recvfrom", "kernel: receiving"), ("sys_recv", "kernel: receiving"), ("sched_yield", "kernel: thread-pool spinning (sched_yield)"),
    ("futex", "kernel: futex waits and wakes"), ("epoll", "kernel: epoll"),
    ("asm_sysvec_reschedule_ipi", "kernel: rescheduling interrupts"), ("irqentry", "kernel: interrupts"),
    ("asm_common_interrupt", "kernel: interrupts"),
]
# PostgreSQL's work, by a function on the stack (a sample may match several).
POSTGRES = [
    ("plpgsql_exec_function", "the append function (mt_quick_append_events)"),
    ("CommitTransaction", "commit (WAL insert and flush)"), ("fdatasync", "  of which fdatasync"),
    ("jsonb_recv", "JSON parameters parsed (jsonb_recv)"), ("jsonb_send", "JSON results sent (jsonb_send)"),
    ("toast_", "TOAST (compression of the 2 kB snapshot)"), ("ExecutorStart", "executor start-up (all statements)"),
    ("GetCachedPlan", "plan cache look-ups"), ("pg_parse_query", "SQL parsed (unprepared statements)"),
    ("sendto", "network: sending"), ("recvfrom", "network: receiving"), ("epoll", "network: waiting (epoll)"),
]


def parse(script_path):
    """`perf script -F comm,pid,tid,ip,sym,dso`: a header line per sample ("comm pid/tid"), then its stack, innermost
    frame first, one tab-indented line per frame."""
    samples, current = [], None
    header = re.compile(r"^\s*(\S.*?)\s+(\d+)/(\d+)\s*$")
    with open(script_path, errors="replace") as f:
        for line in f:
            if line.startswith("\t"):
                parts = line.strip().split(None, 1)
                if current is not None and len(parts) == 2:
                    current[2].append(parts[1])
                continue
            match = header.match(line)
            if match:
                current = (match.group(1), int(match.group(2)), [])
                samples.append(current)
    return samples


def host_kind(stack):
    leaf = stack[0] if stack else ""
    if "[kernel.kallsyms]" in leaf:
        for marker, name in SYSCALLS:
            if any(marker in frame for frame in stack):
                return name
        return "kernel: other"
    if "libcoreclr" in leaf or leaf.startswith("stub "):
        return "runtime (GC, type checks, stubs)"
    match = re.search(r"\[([A-Za-z][\w.]*)\]", leaf)
    if match and not leaf.startswith("[unknown]"):
        for prefix, name in ASSEMBLIES:
            if match.group(1).startswith(prefix):
                return name
        return "managed: other"
    return "native: other (libc, crypto, loader)"


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    dll = build_host()
    postgres("destroy"); postgres("start"); enable_statement_counts()
    scenarios.create_schema_objects(dll)
    host = Host(dll)
    host.env.update(DOTNET_PerfMapEnabled="1", DOTNET_EnableWriteXorExecute="0")
    host.start()
    workdir = tempfile.mkdtemp(prefix="mm-cpu-split-")
    try:
        items, _, _ = scenarios.seed_command_data(256)
        scenarios.fill_carts({"warmup_s": 10}, items)
        load.wrk("add-item.lua", 8, 40, items, nonce="warm")
        scenarios.settle_database()
        data = os.path.join(workdir, "perf.data")
        costs = Costs(host.process.pid)
        before = costs.snapshot()
        perf = subprocess.Popen(["perf", "record", "-a", "-g", "-F", str(HZ), "-o", data, "--", "sleep", str(seconds)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        result = load.wrk("add-item.lua", 8, seconds, items, nonce="measured")
        perf.wait(timeout=120)
        result["per_request"] = Costs.per_request(before, costs.snapshot(), result["requests"])
        script = os.path.join(workdir, "perf.txt")
        with open(script, "w") as out:
            subprocess.run(["perf", "script", "-F", "comm,pid,tid,ip,sym,dso", "-i", data], stdout=out, stderr=subprocess.DEVNULL, check=True)
        host_pid = host.process.pid
    finally:
        host.stop(); postgres("stop")

    try:
        samples = parse(script)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)  # perf.data and its text: tens of MB
    total = len(samples)
    by_process = collections.Counter()
    host_parts, postgres_parts = collections.Counter(), collections.Counter()
    host_samples = postgres_samples = 0
    for comm, pid, stack in samples:
        if pid == host_pid:
            by_process["host"] += 1; host_samples += 1
            host_parts[host_kind(stack)] += 1
        elif comm == "postgres":
            by_process["postgres"] += 1; postgres_samples += 1
            for marker, name in POSTGRES:
                if any(marker in frame for frame in stack):
                    postgres_parts[name] += 1
            if stack and "[kernel.kallsyms]" in stack[0]:
                postgres_parts["(in the kernel, any cause)"] += 1
        elif comm == "wrk":
            by_process["wrk (load)"] += 1
        else:
            by_process["other"] += 1
    share = lambda counter, of: {k: round(100 * v / of, 1) for k, v in counter.most_common()} if of else {}
    report = {"method": f"perf record -a -g -F {HZ}, {seconds} s of add item at 8 clients; see bench/cpu-split.py",
              "add_item": result, "samples": total,
              "share_of_all_samples_pct": share(by_process, total),
              "host_samples_by_kind_pct": share(host_parts, host_samples),
              "postgres_samples_by_work_pct": share(postgres_parts, postgres_samples)}
    path = os.path.join(ROOT, "bench", "results", time.strftime("cpu-split-%Y%m%d-%H%M%S.json"))
    with open(path, "w") as f:
        json.dump(report, f, indent=2)
    print(json.dumps(report, indent=2))
    log(f"wrote {path}")


if __name__ == "__main__":
    main()
