"""Employment spells opened by hires, their follow-ups, and the reports built on them."""
