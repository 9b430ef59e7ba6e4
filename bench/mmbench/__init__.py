"""The benchmark suite's orchestrator (issue #7): see docs/benchmarks.md."""
