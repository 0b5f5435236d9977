"""Benchmark harness for expresspy: peers, workloads, reports (see docs/benchmarks.md)."""
