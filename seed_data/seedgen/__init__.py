"""The pieces of the deterministic seed generator; run ``python seed_data/generate.py``."""
