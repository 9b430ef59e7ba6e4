#!/usr/bin/env bash
# bench/build-host.sh — the benchmark runs the host the process-level checks run: see eng/build-host.sh.
exec "$(dirname "${BASH_SOURCE[0]}")/../eng/build-host.sh" "$@"
