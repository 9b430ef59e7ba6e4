"""The measurements of issue #7, each against the same PostgreSQL and host in one run."""
import concurrent.futures as futures, json, os, re, statistics, threading, time, uuid
from . import load
from .infra import LOCAL, CONNECTION_STRING, Costs, Host, call, log, must, psql, timed_sql, token, psql_file, ROOT

SKUS = [f"sku-{i:02d}" for i in range(1, 21)]
ADMIN = token("admin", "admin")


def pool_map(fn, items, workers=8):
    with futures.ThreadPoolExecutor(workers) as pool:
        return list(pool.map(fn, items))


def create_schema_objects(dll):
    """A Development start creates every schema; a short flow through all modules creates the document tables that
    are only created on first use (e.g. cart.mt_doc_product), which a Production host would not create."""
    host = Host(dll, environment="Development")
    host.start()
    try:
        for sku in SKUS:
            must("PUT", f"/api/catalog/products/{sku}", ADMIN, {"name": f"Product {sku[-2:]}", "unitPrice": 1.00})
        checkout_flow(1)
        wait_projections_caught_up(30)
    finally:
        host.stop()


def wait_projections_caught_up(seconds, interval=0.5):
    deadline = time.time() + seconds
    while time.time() < deadline:
        status, shards = call("GET", "/api/admin/projections", ADMIN)
        if status == 200 and all(s["lagEvents"] == 0 for s in shards if s["lifecycle"] == "async"):
            return True
        time.sleep(interval)
    return False


MAINTENANCE = """select (select checkpoints_timed + checkpoints_req from pg_stat_bgwriter),
       (select coalesce(sum(autovacuum_count + autoanalyze_count), 0) from pg_stat_user_tables)"""


GC_SERIES = re.compile(r'(?m)^dotnet_gc_(pause_time_seconds_total|collections_total)(\{[^}]*\})? (\S+)')


def host_gc():
    """The host's GC pause time and collections per generation so far, from the runtime's meter at /metrics (its
    Prometheus exporter answers from a cache for 300 ms: wait that out)."""
    time.sleep(0.4)
    status, text = call("GET", "/metrics")
    figures = {}
    for series, labels, value in GC_SERIES.findall(text if status == 200 else ""):
        generation = re.search(r'gc_heap_generation="(\w+)"', labels)
        key = "pause_s" if series.startswith("pause") else generation.group(1) if generation else "all"
        figures[key] = figures.get(key, 0.0) + float(value)
    return figures


def settle_database():
    """Before a phase judged by its latency tail: the database's own upkeep that the previous phases' writes have due
    (autovacuum of the tables they churned, a checkpoint of the WAL they wrote) is done now instead of inside the
    phase, on a machine whose two cores the host, PostgreSQL and the load generator already share. pgbench vacuums
    before each run for the same reason. Returns a probe that tells how much upkeep still ran during the phase."""
    started = time.time()
    psql("vacuum (analyze)", timeout=900)
    psql("checkpoint", timeout=900)
    before = [int(v) for v in psql(MAINTENANCE).split("\t")]
    gc_before = host_gc()
    log(f"database settled (vacuum, analyze, checkpoint) in {time.time() - started:.1f} s")

    def during():
        after = [int(v) for v in psql(MAINTENANCE).split("\t")]
        gc_after = host_gc()
        return {"settled_s": round(time.time() - started, 1), "checkpoints": after[0] - before[0],
                "autovacuums_and_analyzes": after[1] - before[1],
                # Not the database's, but the other usual suspect of a latency tail, over the same seconds.
                "host_gc": {k: round(gc_after[k] - gc_before.get(k, 0.0), 3) for k in gc_after}}
    return during


def new_customer(i, deposit=None):
    account = must("POST", "/api/accounts", None, {"name": f"Customer {i}",
                                                 "email": f"c{i}.{uuid.uuid4().hex[:10]}@example.com",
                                                 "phone": "+15551234567"})["id"]
    tok = token(account, "customer")
    if deposit:
        must("POST", f"/api/accounts/{account}/deposits", tok, {"amount": deposit})
    return account, tok


def checkout_flow(n):
    customers = prepare_checkouts(n)
    for _, tok, cart in customers:
        must("POST", f"/api/carts/{cart}/checkout", tok)
    return customers


def prepare_checkouts(n):
    def one(i):
        account, tok = new_customer(i, deposit=100)
        cart = must("POST", "/api/carts", tok)["id"]
        must("POST", f"/api/carts/{cart}/items", tok, {"sku": SKUS[i % len(SKUS)], "quantity": 2})
        return account, tok, cart
    return pool_map(one, range(n))


def cold_start(dll):
    """Spawn → first 200 from /health/ready, and → first successful command (a sign-up, 201)."""
    host = Host(dll)
    ready_s, spawned = host.start()
    status = None
    while time.perf_counter() - spawned < 60:
        status, _ = call("POST", "/api/accounts", None, {"name": "First", "email": f"first.{uuid.uuid4().hex}@example.com",
                                                        "phone": "+15551234567"})
        if status == 201:
            break
        time.sleep(0.02)
    first_command_s = time.perf_counter() - spawned if status == 201 else None
    # The async reports run as Wolverine agents, which a node gets only once the leader has assigned them (ADR 0023):
    # spawn → the first sign-up's events projected by every async projection.
    caught_up = status == 201 and wait_projections_caught_up(90 - (time.perf_counter() - spawned), interval=0.05)
    reports_s = time.perf_counter() - spawned if caught_up else None
    return host, {"ready_s": round(ready_s, 2), "first_command_s": round(first_command_s, 2) if first_command_s else None,
                  "reports_caught_up_s": round(reports_s, 2) if reports_s else None}


def seed_command_data(carts):
    """Customers and open carts for the add-item load; a file of "cartId token sku…" and one of customer tokens."""
    def one(i):
        account, tok = new_customer(f"load{i}")
        return [(must("POST", "/api/carts", tok)["id"], tok, account) for _ in range(4)]
    rows = [row for group in pool_map(one, range((carts + 3) // 4)) for row in group]
    items_path = os.path.join(LOCAL, "carts.txt")
    with open(items_path, "w") as f:
        for index, (cart, tok, _) in enumerate(rows):
            skus = SKUS[index % len(SKUS):] + SKUS[:index % len(SKUS)]
            f.write(f"{cart} {tok} {' '.join(skus)}\n")
    tokens_path = os.path.join(LOCAL, "customers.txt")
    with open(tokens_path, "w") as f:
        f.writelines(f"{tok}\n" for _, tok, _ in rows[::4])
    accounts_path = os.path.join(LOCAL, "accounts.txt")
    with open(accounts_path, "w") as f:
        f.writelines(f"{account} {tok}\n" for _, tok, account in rows[::4])
    return items_path, tokens_path, accounts_path


COMMANDS = [  # name, wrk script, data file key, raw pgbench script (None: no raw twin)
    ("add_item", "add-item.lua", "items", "append.sql"),
    ("open_cart", "open-cart.lua", "tokens", "new-stream.sql"),
    ("open_account", "open-account.lua", None, "new-account.sql"),
    ("get_account", "get-account.lua", "accounts", "read-document.sql"),
]


# The client count at which the raw twins also run prepared (pgbench -M prepared): the host's connections prepare
# the statements they send often (Max Auto Prepare, ADR 0015), and PostgreSQL then skips their parse and plan.
PREPARED_CLIENTS = 8


def _carts_of_load(items_path):
    with open(items_path) as f:
        ids = ",".join(f"'{line.split()[0]}'" for line in f if line.strip())
    return f"from cart.mt_doc_shoppingcart where id in ({ids})"


def fill_carts(config, items_path):
    """Add item is measured at its steady state: every cart of the load already holds a line of each product the
    script cycles through (SKUS), so the snapshot the API writes keeps one size through the measured phases, the size
    its raw twin writes. Until then a cart's document grows with each new line (1 → 20 lines, about 0.4 → 2.1 kB
    of JSON; past 2 kB PostgreSQL compresses it on every write). Each wrk run starts the products' cycle again
    (bench/wrk/add-item.lua), so the runs get longer until one has gone round them all; bounded."""
    fewest_lines = f"select coalesce(min(jsonb_array_length(data->'lines')), 0) {_carts_of_load(items_path)}"
    seconds = config["warmup_s"]
    while int(psql(fewest_lines)) < len(SKUS):
        if seconds > 240:
            raise RuntimeError(f"the load's carts still hold fewer than {len(SKUS)} lines after runs of up to "
                               f"{seconds // 2} s of add item")
        load.wrk("add-item.lua", 8, seconds, items_path, nonce=f"f{uuid.uuid4().hex[:8]}")
        seconds *= 2


def cart_document(items_path):
    """The JSON of the load's median cart (by size) as stored now: what add item's raw twin writes as its snapshot."""
    return psql(f"select data::text {_carts_of_load(items_path)} order by length(data::text), id "
                f"offset (select count(*) / 2 {_carts_of_load(items_path)}) limit 1")


def settled(measure):
    """Runs a measurement from a settled database (`settle_database`) and records the upkeep that still ran inside it."""
    during = settle_database()
    return {**measure(), "upkeep": during()}


def _api_phase(script, clients, seconds, data, costs):
    before = costs.snapshot() if costs else None
    api = load.wrk(script, clients, seconds, data, nonce=uuid.uuid4().hex[:8])
    if costs:
        api["per_request"] = costs.per_request(before, costs.snapshot(), api["requests"])
    return api


def _share(api, raw):
    """API tx/s ÷ raw tx/s."""
    return round(api["tx_per_s"] / raw["tx_per_s"], 3) if raw["tx_per_s"] else None


def commands(config, data, sampler, costs=None):
    """Measurement 1 and 2: each command and its raw-SQL twin at 1, 8, 32 clients, one after the other; with `costs`,
    also the statements, connection checkouts and CPU (host, PostgreSQL) per request of each API point. Add item's
    twin writes the document of the load's median cart, read right before it runs (`cart_document`). At
    PREPARED_CLIENTS the twins also run with prepared statements, as the host's connections send them (ADR 0015).
    Every measured phase, the API's and the twins' alike, starts from a settled database (`settle_database`: the
    upkeep the previous phase's writes made due does not land in the next one) and records what upkeep still ran."""
    psql_file(os.path.join(ROOT, "bench", "pgbench", "setup.sql"), {"streams": config["raw_streams"]})
    results = {}
    for name, script, key, raw_script in COMMANDS:
        sampler.phase = "warmup"
        load.wrk(script, 8, config["warmup_s"], data.get(key), nonce=f"w{uuid.uuid4().hex[:8]}")
        if name == "add_item":
            fill_carts(config, data[key])
        rows = []
        for clients in config["clients"]:
            sampler.phase = f"load:{name}"
            api = settled(lambda: _api_phase(script, clients, config["command_s"], data.get(key), costs))
            sampler.phase = "raw"
            variables, document = {"streams": config["raw_streams"]}, {}
            if name == "add_item":
                variables["doc"] = cart_document(data[key])
                document = {"document_chars": len(variables["doc"]),
                            "document_lines": len(json.loads(variables["doc"])["lines"])}
            raw = settled(lambda: {**load.pgbench(raw_script, clients, config["command_s"], variables), **document})
            row = {"clients": clients, "api": api, "raw": raw, "ratio": _share(api, raw)}
            if clients == PREPARED_CLIENTS:
                row["raw_prepared"] = settled(lambda: load.pgbench(raw_script, clients, config["command_s"], variables,
                                                                   mode="prepared"))
                row["ratio_prepared"] = _share(api, row["raw_prepared"])
            rows.append(row)
            log(f"{name:13s} c={clients:<3d} API {api['tx_per_s']:8.1f} tx/s p99 {api['p99_ms']:7.1f} ms "
                f"errors {api['errors']} | raw {raw['tx_per_s']:8.1f} tx/s p99 {raw['p99_ms']:6.2f} ms | ratio {row['ratio']}"
                + (f" | raw prepared {row['raw_prepared']['tx_per_s']:8.1f} tx/s, ratio {row['ratio_prepared']}"
                   if "raw_prepared" in row else ""))
        results[name] = {"raw_script": f"bench/pgbench/{raw_script}", "rows": rows}
    sampler.phase = "idle"
    return results


def checkouts_per_add_item(config, dll, data):
    """Connection checkouts per add item at 8 clients, the host's background work included. The module stores' pools
    send no reset when a connection comes back (ADR 0019), and the reset is how pg_stat_statements counts checkouts:
    this host of the same build turns it back on (No Reset On Close=false) so that every checkout shows.

    The count does not say whose a checkout is, so the same host then serves add item at a quarter and at half of that
    rate (paced), and a straight line through the three windows' checkouts a second against requests a second splits
    them: its slope is the checkouts of one request, its intercept the background's checkouts a second (the async
    daemon's cycles, every 100 ms while events flow whatever their rate, and Wolverine's node work)."""
    host = Host(dll)
    host.env["ConnectionStrings__Postgres"] = CONNECTION_STRING + ";No Reset On Close=false"
    host.start()
    try:
        load.wrk("add-item.lua", 8, config["warmup_s"], data["items"])
        # Measure the host's steady state: the async projections' background checkouts (50-75 a second while events
        # flow) count only once their agents run and have caught up with the warm-up's events (ADR 0023: assigned at
        # start; before it, about 15 s after start).
        wait_projections_caught_up(60)
        costs = Costs(host.process.pid)

        def window(rate=None):
            before = costs.snapshot()
            api = load.wrk("add-item.lua", 8, config["command_s"], data["items"], rate=rate)
            after = costs.snapshot()
            return api, costs.per_request(before, after, api["requests"]), (after["checkouts"] - before["checkouts"]) / api["seconds"]

        api, per_request, per_second = window()
        log(f"checkouts per add item (reset on): {per_request['checkouts']} at {api['tx_per_s']} tx/s")
        points = [(api["tx_per_s"], per_second)]
        for share in (0.25, 0.5):
            paced, _, paced_per_second = window(rate=api["tx_per_s"] * share)
            points.append((paced["tx_per_s"], paced_per_second))
        own, background = statistics.linear_regression(*zip(*points))
        split = {"own_per_request": round(own, 3), "background_per_s": round(background, 1),
                 "windows": [{"tx_per_s": x, "checkouts_per_s": round(y, 1)} for x, y in points]}
        log(f"checkouts: {split['own_per_request']} per request + {split['background_per_s']} a second in the background "
            f"(windows {split['windows']})")
        return {"tx_per_s": api["tx_per_s"], "per_request": per_request, "split": split}
    finally:
        host.stop()


LAG_SAMPLER = """
create table if not exists rawbench.lag_samples (observed_at timestamptz, last_seq_id bigint, last_updated timestamptz);
truncate rawbench.lag_samples;
do $$
declare window_end timestamptz := to_timestamp({window_end}); hard_end timestamptz := to_timestamp({hard_end});
        position bigint; target bigint;
begin
  loop
    select last_seq_id into position from cart.mt_event_progression where name = '{shard}';
    insert into rawbench.lag_samples select clock_timestamp(), last_seq_id, last_updated
      from cart.mt_event_progression where name = '{shard}';
    exit when clock_timestamp() > hard_end;
    if clock_timestamp() > window_end then
      if target is null then select max(seq_id) into target from cart.mt_events; end if;
      exit when position >= target;
    end if;
    perform pg_sleep({interval});
  end loop;
end $$;
"""

LAG_QUERY = """
select extract(epoch from (select min(s.observed_at) from rawbench.lag_samples s where s.last_seq_id >= e.seq_id)
                          - e.timestamp) * 1000,
       extract(epoch from (select min(s.last_updated) from rawbench.lag_samples s where s.last_seq_id >= e.seq_id)
                          - e.timestamp) * 1000
from cart.mt_events e
where e.type = 'item_added_v2' and e.timestamp >= to_timestamp({start}) and e.timestamp < to_timestamp({end})
"""


def half_load_and_lag(config, data, rate_at_8, light_load_mean_ms, sampler):
    """Measurements 1b and 4: add-item offered at half the 8-client throughput (8 connections, sending at a steady
    rate paced by wrk's threads), its latency; meanwhile the async ProductPerformance shard's progress is sampled every
    20 ms in the database, and each event's lag = first sample at which the shard had passed it − the event's
    timestamp."""
    target_rate = rate_at_8 / 2
    seconds = config["lag_s"]
    upkeep = settle_database()
    start = time.time()
    sql = LAG_SAMPLER.format(window_end=start + seconds + 0.5, hard_end=start + seconds + 30,
                             shard="ProductPerformance:All", interval=0.02)
    sampler_thread = threading.Thread(target=lambda: psql(sql, timeout=seconds + 90))
    sampler_thread.start()
    sampler.phase = "half_load"
    api = load.wrk("add-item.lua", 8, seconds, data["items"], rate=target_rate)
    end = time.time()
    sampler.phase = "idle"
    sampler_thread.join(timeout=seconds + 100)
    rows = [line.split("\t") for line in psql(LAG_QUERY.format(start=start, end=end)).splitlines()]
    observed = [float(r[0]) for r in rows if r[0]]
    committed = [float(r[1]) for r in rows if r[1]]
    unprojected = sum(1 for r in rows if not r[0])
    result = {"target_tx_per_s": round(target_rate, 1), "paced": "rate", "api": api,
              "database_upkeep_during": upkeep(),
              "lag": {"shard": "cart ProductPerformance:All", "events": len(rows), "not_projected_within_30s": unprojected,
                      "observed": load.percentiles(observed), "progress_committed": load.percentiles(committed)}}
    log(f"half load: offered ≈{target_rate:.0f}/s achieved {api['tx_per_s']}/s p99 {api['p99_ms']} ms; "
        f"projection lag {result['lag']['observed']}")
    return result


def checkout_to_paid(config, sampler):
    """Measurement 3: checkouts at a steady offered rate (open loop); latency = orders' order_paid event timestamp −
    cart's cart_checked_out event timestamp, per order, from the database."""
    n, rate = config["checkouts"], config["checkout_rate"]
    log(f"checkout: preparing {n} customers with a deposit and a filled cart")
    sampler.phase = "checkout_prepare"
    customers = prepare_checkouts(n)
    # Start from a quiet host: the async projections first catch up with the preparation's events.
    caught_up = wait_projections_caught_up(60)
    upkeep = settle_database()
    start = time.time()
    sampler.phase = "checkout"
    answers = []

    def checkout(customer):
        _, tok, cart = customer
        t0 = time.perf_counter()
        status, _ = call("POST", f"/api/carts/{cart}/checkout", tok)
        answers.append((status, (time.perf_counter() - t0) * 1000))

    with futures.ThreadPoolExecutor(32) as pool:
        for i, customer in enumerate(customers):
            wait = start + i / rate - time.time()
            if wait > 0:
                time.sleep(wait)
            pool.submit(checkout, customer)
    sent_s = time.time() - start
    ids = ",".join(f"'{c}'" for _, _, c in customers)
    deadline, paid = time.time() + 60, 0
    while time.time() < deadline:
        paid = int(psql(f"select count(*) from orders.mt_events where type = 'order_paid' and stream_id in ({ids})"))
        if paid >= n:
            break
        time.sleep(0.25)
    sampler.phase = "idle"
    rows = psql(f"""select extract(epoch from p.timestamp - c.timestamp) * 1000 from cart.mt_events c
                    join orders.mt_events p on p.stream_id = c.stream_id and p.type = 'order_paid'
                    where c.type = 'cart_checked_out' and c.stream_id in ({ids})""").splitlines()
    latencies = [float(r) for r in rows if r]
    errors = sum(1 for status, _ in answers if status != 200)
    result = {"offered_per_s": rate, "checkouts": n, "sent_in_s": round(sent_s, 1), "http_errors": errors,
              "projections_caught_up_before": caught_up, "database_upkeep_during": upkeep(),
              "paid": paid, "not_paid_within_60s": n - paid, "latency": load.percentiles(latencies),
              "http_checkout": load.percentiles([ms for status, ms in answers if status == 200])}
    log(f"checkout→paid at {rate}/s: {result['latency']} (not paid: {n - paid}, HTTP errors {errors})")
    return result


REBUILD_LINE = re.compile(r"Rebuilt (\w+): ([\d,]+) events, ([\d,]+) documents, ([\d.]+) s")

SEED_EVENTS = """
with streams as (
  select gen_random_uuid() as id, gen_random_uuid() as customer, s from generate_series(1, {streams}) s
), inserted as (
  insert into cart.mt_streams (id, type, version, tenant_id) select id, 'shopping_cart', 10, '*DEFAULT*' from streams
)
insert into cart.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type)
select nextval('cart.mt_events_sequence'), gen_random_uuid(), st.id, v,
       case when v = 1 then jsonb_build_object('cartId', st.id, 'openedAt', now(), 'customerId', st.customer)
            else jsonb_build_object('sku', 'sku-' || lpad(((st.s + v) % 20 + 1)::text, 2, '0'),
                                    'name', 'Product ' || lpad(((st.s + v) % 20 + 1)::text, 2, '0'),
                                    'cartId', st.id, 'addedAt', now(), 'quantity', 1 + v % 3, 'unitPrice', 1.00) end,
       case when v = 1 then 'cart_opened' else 'item_added_v2' end, now(), '*DEFAULT*',
       case when v = 1 then 'ModularMonolith.Cart.OpeningCart.CartOpened, ModularMonolith.Cart'
            else 'ModularMonolith.Cart.AddingItem.ItemAdded, ModularMonolith.Cart' end
from streams st cross join generate_series(1, 10) v
order by st.s, v;
"""

IN_DATABASE = {
    "ShoppingCart": """insert into rawbench.agg_per_stream (id, data)
        select stream_id, jsonb_build_object('version', max(version), 'lines', count(*) filter (where type = 'item_added_v2'),
               'total', sum((data->>'quantity')::numeric * (data->>'unitPrice')::numeric), 'skus', jsonb_agg(data->'sku'))
        from cart.mt_events group by stream_id""",
    "ProductPerformance": """insert into rawbench.agg_multi_stream (id, data)
        select data->>'sku', jsonb_build_object('units', sum((data->>'quantity')::int), 'carts', count(distinct stream_id),
               'revenue', sum((data->>'quantity')::numeric * (data->>'unitPrice')::numeric))
        from cart.mt_events where type = 'item_added_v2' group by data->>'sku'""",
}


def rebuilds(config, dll):
    """Measurement 5, host stopped: top the cart module's log up to each size with correctly shaped events (bulk SQL,
    streams of 1 cart_opened + 9 item_added_v2), rebuild a per-stream (ShoppingCart) and a multi-stream
    (ProductPerformance) projection with the `rebuild` verb, and time one INSERT … SELECT … GROUP BY over the same
    events in the database."""
    host = Host(dll)
    psql("create schema if not exists rawbench;"
         "create table if not exists rawbench.agg_per_stream (id uuid primary key, data jsonb not null);"
         "create table if not exists rawbench.agg_multi_stream (id text primary key, data jsonb not null)")
    results = []
    for size in config["rebuild_sizes"]:
        current = int(psql("select count(*) from cart.mt_events"))
        if current < size:
            started = time.time()
            psql(SEED_EVENTS.format(streams=(size - current + 9) // 10), timeout=1800)
            psql("vacuum analyze cart.mt_events, cart.mt_streams", timeout=1800)
            log(f"rebuild: seeded {size - current:,} events in {time.time() - started:.1f} s")
        events = int(psql("select count(*) from cart.mt_events"))
        row = {"events": events, "projections": {}}
        for projection in ("ShoppingCart", "ProductPerformance"):
            started = time.time()
            code, output = host.verb("rebuild", "--module", "cart", "--projection", projection)
            wall = time.time() - started
            match = REBUILD_LINE.search(output)
            table = "agg_per_stream" if projection == "ShoppingCart" else "agg_multi_stream"
            psql(f"truncate rawbench.{table}")
            in_db = timed_sql(IN_DATABASE[projection])
            entry = {"exit_code": code, "wall_s": round(wall, 2), "in_database_s": round(in_db, 3),
                     "in_database_events_per_s": round(events / in_db)}
            if code == 0 and match:
                seconds = float(match.group(4))
                entry.update(events=int(match.group(2).replace(",", "")), documents=int(match.group(3).replace(",", "")),
                             rebuild_s=seconds, events_per_s=round(int(match.group(2).replace(",", "")) / seconds))
                entry["ratio"] = round(entry["events_per_s"] / entry["in_database_events_per_s"], 3)
            else:
                entry["failed"] = output[-1500:]
            row["projections"][projection] = entry
            log(f"rebuild {projection} at {events:,} events: {entry.get('events_per_s', 'FAILED')} events/s "
                f"(wall {wall:.1f} s); in database {entry['in_database_events_per_s']:,} events/s")
        results.append(row)
    return results
