"""Province-scale synthetic data for benchmarks and query budgets (manage.py seed_scale)."""
