"""Benchmarks: commands anyone can run, each printing one JSON document (DESIGN: performance)."""
