"""`make bench`: province-scale benchmarks against the peers (see scripts/bench/run.py)."""
