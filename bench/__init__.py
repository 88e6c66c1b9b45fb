"""Benchmarks: `make bench` runs `bench/run.py` against a throw-away database."""
