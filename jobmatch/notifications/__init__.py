"""In-app notifications, sent through one small sender interface."""
