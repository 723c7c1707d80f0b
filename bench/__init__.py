"""Benchmarks (scripts, not tests): see bench/README.md."""
