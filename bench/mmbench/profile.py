"""bench/run.sh --profile [add_item|open_cart|open_account] [clients]: one command under load with
pg_stat_statements on, then the statements by total time per request. Not a measurement: a tool to find the gap."""
import sys
from . import load, scenarios
from .infra import Host, LOCAL, build_host, log, postgres, psql


def main(args):
    name = args[0] if args else "add_item"
    clients = int(args[1]) if len(args) > 1 else 1
    script, key = {c[0]: (c[1], c[2]) for c in scenarios.COMMANDS}[name]
    dll = build_host()
    postgres("destroy")
    postgres("start")
    psql("alter system set shared_preload_libraries = 'pg_stat_statements'")
    postgres("stop")
    postgres("start")
    psql("create extension if not exists pg_stat_statements")
    scenarios.create_schema_objects(dll)
    host = Host(dll)
    host.start()
    try:
        items, tokens, _ = scenarios.seed_command_data(256)
        data = {"items": items, "tokens": tokens}
        # Each load its own nonce: open account's emails must not repeat the warm-up's (a 409 is not the command).
        load.wrk(script, clients, 3, data.get(key), nonce="warm-up")
        psql("select pg_stat_statements_reset()")
        result = load.wrk(script, clients, 10, data.get(key), nonce="profile")
        log(f"{name} at {clients} clients: {result}")
        requests = result["requests"]
        print(psql(f"""select calls, round((calls::numeric / {requests}), 2) as per_request,
                             round(total_exec_time::numeric / {requests}, 3) as ms_per_request,
                             round(mean_exec_time::numeric, 3) as mean_ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 110)
                      from pg_stat_statements where calls > {requests // 20}
                      order by total_exec_time desc limit 25"""))
        print(psql(f"""select round(sum(total_exec_time)::numeric / {requests}, 3) as db_ms_per_request,
                             round(sum(calls)::numeric / {requests}, 1) as statements_per_request from pg_stat_statements"""))
    finally:
        host.stop()
        postgres("destroy")


if __name__ == "__main__":
    main(sys.argv[1:])
