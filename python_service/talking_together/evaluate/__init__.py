"""Metrics, reports and previews."""
