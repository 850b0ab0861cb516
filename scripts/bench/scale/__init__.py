"""Province-scale synthetic data for benchmarks and query budgets (scripts/bench/seed_scale.py)."""
