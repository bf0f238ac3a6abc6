"""Near misses: posts a resident misses by one certificate or skill, each with the next class
that confers it, and the resident's request for a place in that class."""
