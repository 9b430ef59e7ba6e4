#!/usr/bin/env python3
"""Free TCP ports for the checks' PostgreSQL servers and hosts. `python3 eng/checks/ports.py` prints one."""
import random, socket


def free_port():
    """A TCP port nothing listens on now: several people's checks and test servers share these machines, so no check
    assumes a fixed port is free (an environment variable still fixes one). Taken below Linux's ephemeral range
    (32768 and up), where outgoing connections could take it while PostgreSQL is down for the outage check."""
    for _ in range(200):
        port = random.randrange(20000, 32000)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise SystemExit("FAIL: no free port found between 20000 and 32000")


if __name__ == "__main__":
    print(free_port())
