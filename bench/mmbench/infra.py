"""The things a benchmark run stands on: its own PostgreSQL, the host process, SQL, tokens and a resource sampler."""
import base64, hashlib, hmac, json, os, signal, subprocess, threading, time, urllib.error, urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LOCAL = os.path.join(ROOT, ".local", "bench")
PG_PORT = int(os.environ.get("MM_BENCH_PG_PORT", "55480"))
HTTP_PORT = int(os.environ.get("MM_BENCH_HTTP_PORT", "5097"))
BASE = f"http://127.0.0.1:{HTTP_PORT}"
PG_PASSWORD = "postgres"
SIGNING_KEY = "bench-signing-key-0123456789abcdef0123"
CONNECTION_STRING = (f"Host=127.0.0.1;Port={PG_PORT};Database=modularmonolith;Username=postgres;"
                     f"Password={PG_PASSWORD}")
PG_ENV = dict(os.environ, MM_PG_PORT=str(PG_PORT), MM_PG_DIR=os.path.join(LOCAL, "pg"))
PG_ENV.pop("MM_PG_FAST", None)  # durable settings only: fsync and synchronous_commit stay on
LIBPQ_ENV = dict(os.environ, PGHOST="127.0.0.1", PGPORT=str(PG_PORT), PGUSER="postgres", PGPASSWORD=PG_PASSWORD,
                 PGDATABASE="modularmonolith")


def log(message):
    print(f"bench: {message}", flush=True)


def build_host():
    """The host as the checks and the benchmark run it (eng/build-host.sh: Release, pre-generated code, ReadyToRun;
    reused while the sources are unchanged); returns its dll's path."""
    return subprocess.run(["bash", os.path.join(ROOT, "bench", "build-host.sh")], check=True, capture_output=True,
                          text=True).stdout.strip().splitlines()[-1]


# --- PostgreSQL -----------------------------------------------------------------------------------------------------

def postgres(action):
    """eng/postgres.sh on the bench's own cluster (port 55480, .local/bench/pg), never with MM_PG_FAST."""
    result = subprocess.run(["bash", os.path.join(ROOT, "eng", "postgres.sh"), action], env=PG_ENV,
                            capture_output=True, text=True, timeout=300)
    if result.returncode not in (0, 3):
        raise RuntimeError(f"eng/postgres.sh {action} failed: {result.stderr[-2000:]}")
    return result.stdout.strip()


def psql(sql, timeout=600):
    """Runs SQL with psql over TCP; returns the unaligned, tuples-only output."""
    result = subprocess.run(["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-F", "\t", "-c", sql], env=LIBPQ_ENV,
                            capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"psql failed: {result.stderr.strip()[:2000]}\nSQL: {sql[:500]}")
    return result.stdout.strip()


def psql_file(path, variables=None, timeout=600):
    args = ["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-f", path]
    for name, value in (variables or {}).items():
        args += ["-v", f"{name}={value}"]
    result = subprocess.run(args, env=LIBPQ_ENV, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"psql -f {path} failed: {result.stderr.strip()[:2000]}")
    return result.stdout.strip()


def timed_sql(sql, timeout=900):
    """Server-side elapsed time of one statement (psql's \\timing), in seconds."""
    result = subprocess.run(["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1"], input=f"\\timing on\n{sql}\n",
                            env=LIBPQ_ENV, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"psql failed: {result.stderr.strip()[:2000]}")
    times = [line for line in result.stdout.splitlines() if line.startswith("Time: ")]
    return float(times[-1].split()[1]) / 1000.0


def pg_settings():
    rows = psql("select name, setting from pg_settings where name in "
                "('fsync','synchronous_commit','full_page_writes','wal_level','shared_buffers','max_connections')")
    return dict(line.split("\t") for line in rows.splitlines())


# --- tokens and HTTP --------------------------------------------------------------------------------------------------

def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(subject, role):
    """An HS256 bearer token as the host's AccessTokens mints it (sub, role, issuer, audience)."""
    now = int(time.time())
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = _b64(json.dumps({"sub": subject, "role": role, "iss": "modular-monolith", "aud": "modular-monolith-api",
                              "iat": now, "nbf": now - 60, "exp": now + 6 * 3600}).encode())
    signature = hmac.new(SIGNING_KEY.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
    return f"{header}.{claims}.{_b64(signature)}"


def call(method, path, tok=None, body=None, timeout=15):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None:
        request.add_header("content-type", "application/json")
    if tok:
        request.add_header("Authorization", f"Bearer {tok}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read().decode()
            return response.status, (json.loads(text) if text[:1] in "{[" and text else text)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()[:500]
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None, None


def must(method, path, tok=None, body=None, expected=(200, 201)):
    status, answer = call(method, path, tok, body)
    if status not in expected:
        raise RuntimeError(f"{method} {path} -> {status} {answer}")
    return answer


# --- the host process ----------------------------------------------------------------------------------------------

class Host:
    """The host as a separate Release process with pre-generated code (Wolverine__TypeLoadMode=Static)."""

    def __init__(self, dll, environment="Production", type_load_mode="Static"):
        self.dll = dll
        self.env = dict(os.environ, ASPNETCORE_ENVIRONMENT=environment, ASPNETCORE_URLS=BASE,
                        ConnectionStrings__Postgres=CONNECTION_STRING, Auth__SigningKey=SIGNING_KEY,
                        Wolverine__TypeLoadMode=type_load_mode, DOTNET_CLI_TELEMETRY_OPTOUT="1",
                        Orders__PaymentTimeout="00:10:00")
        self.process = None
        self.log_path = os.path.join(LOCAL, "host.log")

    def verb(self, *args, timeout=1800):
        """Runs a CLI verb of the same build (e.g. db-apply, rebuild) and returns (exit code, output)."""
        result = subprocess.run(["dotnet", self.dll, *args], cwd=os.path.dirname(self.dll), env=self.env,
                                capture_output=True, text=True, timeout=timeout)
        return result.returncode, result.stdout + result.stderr

    def start(self, timeout=90):
        """Starts the process; returns seconds from spawn to the first 200 from /health/ready."""
        log_file = open(self.log_path, "a")
        started = time.perf_counter()
        self.process = subprocess.Popen(["dotnet", self.dll], cwd=os.path.dirname(self.dll), env=self.env,
                                        stdout=log_file, stderr=subprocess.STDOUT)
        while time.perf_counter() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"host exited with {self.process.returncode}; see {self.log_path}")
            status, _ = call("GET", "/health/ready", timeout=2)
            if status == 200:
                return time.perf_counter() - started, started
            time.sleep(0.02)
        raise RuntimeError(f"host not ready within {timeout} s; see {self.log_path}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        self.process = None


# --- resource sampling -------------------------------------------------------------------------------------------------

class Sampler:
    """Samples the host's RSS and CPU time and the machine's CPU every 0.25 s, labelled with the current phase."""

    def __init__(self, pid):
        self.pid, self.phase, self.samples = pid, "idle", []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._ticks = os.sysconf("SC_CLK_TCK")

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)

    def _read(self):
        with open(f"/proc/{self.pid}/status") as f:
            rss_kb = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / self._ticks
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
        return rss_kb / 1024.0, cpu, sum(values), values[3] + values[4]

    def _run(self):
        previous = None
        while not self._stop.is_set():
            try:
                now, (rss, cpu, total, idle) = time.time(), self._read()
            except (OSError, StopIteration):
                return
            if previous:
                elapsed = now - previous[0]
                host_cpu = 100.0 * (cpu - previous[2]) / elapsed
                machine = 100.0 * (1 - (idle - previous[4]) / max(1, total - previous[3]))
                self.samples.append((self.phase, rss, host_cpu, machine))
            previous = (now, rss, cpu, total, idle)
            self._stop.wait(0.25)

    def summary(self, phases=None):
        rows = [s for s in self.samples if phases is None or s[0] in phases]
        if not rows:
            return None
        return {"peak_rss_mb": round(max(r[1] for r in rows), 1),
                "mean_host_cpu_pct": round(sum(r[2] for r in rows) / len(rows), 1),
                "peak_host_cpu_pct": round(max(r[2] for r in rows), 1),
                "mean_machine_cpu_pct": round(sum(r[3] for r in rows) / len(rows), 1),
                "samples": len(rows)}


# --- cost per request -------------------------------------------------------------------------------------------------

def enable_statement_counts():
    """pg_stat_statements on the bench's cluster (a preload: one restart), for statements and checkouts per request.
    Its own cost is small against the figures measured (it hashes each statement once)."""
    psql("alter system set shared_preload_libraries = 'pg_stat_statements'")
    postgres("stop")
    postgres("start")
    psql("create extension if not exists pg_stat_statements")


def _cpu_seconds(pid, reaped_children=False):
    """User and system CPU of a process; with `reaped_children`, also what its children that have exited used."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if reaped_children else 0)
    return ticks / os.sysconf("SC_CLK_TCK")


def _postgres_cpu_seconds():
    """CPU of the bench cluster's postgres processes (its postmaster and every process it started: backends,
    background workers), not of other clusters on the machine. A backend that exits during a measurement is counted
    too: the postmaster reaps it, and the kernel adds its CPU to the postmaster's children's time. (Without that, a
    pool closing idle connections made PostgreSQL's CPU per request come out negative.)"""
    try:
        with open(os.path.join(LOCAL, "pg", "data", "postmaster.pid")) as f:
            postmaster = f.readline().strip()
    except OSError:
        return 0.0
    total = 0.0
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            if name != postmaster:
                with open(f"/proc/{name}/stat") as f:
                    if f.read().rsplit(")", 1)[1].split()[1] != postmaster:
                        continue
            total += _cpu_seconds(name, reaped_children=name == postmaster)
        except OSError:
            continue
    return total


MODULE_SCHEMAS = "('cart', 'orders', 'accounts')"


class Costs:
    """What requests cost, as deltas around a load: statements and connection resets (DISCARD ALL / DISCARD TEMP: Npgsql
    resets a connection it gets back, except in the module stores' pools since ADR 0019 (No Reset On Close), so these
    count the checkouts of Wolverine's and the host's own pools only; scenarios.checkouts_per_add_item counts every
    checkout on a host with the reset turned back on) from pg_stat_statements, host and PostgreSQL CPU from /proc. The host's background
    work (high-water polling, durability agent) in the same seconds is included; it is small beside the load.
    Also the rows the modules' tables updated, and the share PostgreSQL updated in place (HOT: no new index entries),
    from pg_stat_user_tables: backends report those counts about once a second, so a window's last second may land in
    the next window; both counts lag alike, so the share holds."""

    def __init__(self, host_pid):
        self.host_pid = host_pid

    # What Npgsql sends on its own when a connection goes back to the pool: DISCARD ALL, or, once the connection holds
    # prepared statements (Max Auto Prepare), this sequence that keeps them; DISCARD TEMP ends it. Not the request's SQL.
    RESET = ("SET SESSION AUTHORIZATION DEFAULT", "RESET ALL", "CLOSE ALL", "UNLISTEN *", "SELECT pg_advisory_unlock_all()",
             "DISCARD SEQUENCES", "DISCARD TEMP", "DISCARD ALL")

    def snapshot(self):
        reset = ", ".join("'" + q.replace("'", "''") + "'" for q in self.RESET)
        # One statement (per_request takes it off the counts): the row updates come as subqueries.
        statements, sql, discards, updates, in_place = psql(
            "select coalesce(sum(calls), 0), coalesce(sum(calls) filter (where query not ilike 'BEGIN%' and query not in "
            f"('COMMIT', 'ROLLBACK', {reset})), 0), coalesce(sum(calls) filter (where query in ('DISCARD ALL', 'DISCARD TEMP')), 0), "
            f"(select coalesce(sum(n_tup_upd), 0) from pg_stat_user_tables where schemaname in {MODULE_SCHEMAS}), "
            f"(select coalesce(sum(n_tup_hot_upd), 0) from pg_stat_user_tables where schemaname in {MODULE_SCHEMAS}) "
            "from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())"
        ).split("\t")
        return {"statements": int(statements), "sql_statements": int(sql), "checkouts": int(discards),
                "row_updates": int(updates), "in_place_updates": int(in_place),
                "host_cpu_s": _cpu_seconds(self.host_pid), "pg_cpu_s": _postgres_cpu_seconds()}

    @staticmethod
    def per_request(before, after, requests):
        if not requests:
            return None
        d = {k: after[k] - before[k] for k in before}
        # The snapshot's own query is one statement (and one psql connection, not a DISCARD ALL).
        return {"statements": round((d["statements"] - 1) / requests, 2),
                "sql_statements": round((d["sql_statements"] - 1) / requests, 2),
                "checkouts": round(d["checkouts"] / requests, 2),
                "host_cpu_ms": round(1000 * d["host_cpu_s"] / requests, 3),
                "pg_cpu_ms": round(1000 * d["pg_cpu_s"] / requests, 3),
                "row_updates": round(d["row_updates"] / requests, 2),
                "in_place_share": round(d["in_place_updates"] / d["row_updates"], 3) if d["row_updates"] > 0 else None}
