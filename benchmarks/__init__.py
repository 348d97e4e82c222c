"""Measurements of the dashboard: the bench, the load test, Lighthouse. Not installed."""
