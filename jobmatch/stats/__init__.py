"""GET /api/stats: the bureau's aggregate figures."""
