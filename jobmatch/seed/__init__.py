"""Seed data: `flask --app jobmatch seed` loads seed_data/ in one transaction."""
