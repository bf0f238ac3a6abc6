"""Background jobs: long work (a retrain, a large import) run off the request path on RQ."""
