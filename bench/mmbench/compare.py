"""bench/run.sh --compare 'name:ENV=V,ENV=V' ...: the same build and database, the host started once per variant
(environment only: GC, pool, logging settings), two rounds in alternating order; add item at 1 and 8 clients and
open cart at 8. For trying a setting before it goes into src/; the before/after of record comes from the full tool."""
import sys
from . import load, scenarios
from .infra import Host, build_host, log, postgres


def parse(spec):
    name, _, assignments = spec.partition(":")
    return name, dict(a.split("=", 1) for a in assignments.split(",") if a)


def main(args):
    variants = [("baseline", {})] + [parse(a) for a in args]
    dll = build_host()
    postgres("destroy")
    postgres("start")
    scenarios.create_schema_objects(dll)
    data = None
    rows = []
    try:
        for round_ in range(2):
            for name, env in (variants if round_ == 0 else variants[::-1]):
                host = Host(dll)
                host.env.update(env)
                host.start()
                try:
                    if data is None:
                        items, tokens, _ = scenarios.seed_command_data(512)
                        data = {"items": items, "tokens": tokens}
                    load.wrk("add-item.lua", 8, 3, data["items"])
                    for label, script, key, clients in (("add_item", "add-item.lua", "items", 1),
                                                        ("add_item", "add-item.lua", "items", 8),
                                                        ("open_cart", "open-cart.lua", "tokens", 8)):
                        r = load.wrk(script, clients, 5, data[key])
                        rows.append((round_, name, f"{label} c={clients}", r))
                        log(f"round {round_} {name:12s} {label} c={clients}: {r['tx_per_s']:7.1f} tx/s "
                            f"p50 {r['p50_ms']:.1f} p99 {r['p99_ms']:.1f} ms errors {r['errors']}")
                finally:
                    host.stop()
    finally:
        postgres("destroy")
    print("\nvariant       | point          | tx/s (round 1, 2) | p99 ms (round 1, 2)")
    for name, _ in variants:
        for point in ("add_item c=1", "add_item c=8", "open_cart c=8"):
            rs = [r for _, n, p, r in rows if n == name and p == point]
            print(f"{name:13s} | {point:14s} | " + ", ".join(f"{r['tx_per_s']:.0f}" for r in rs) + " | "
                  + ", ".join(f"{r['p99_ms']:.1f}" for r in rs))


if __name__ == "__main__":
    main(sys.argv[1:])
