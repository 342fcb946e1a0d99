"""Shared infrastructure of every study: configuration, the store, splits, training, models,
metrics and significance, tables and plots, Pythia, downloads and provenance."""
