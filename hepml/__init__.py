"""hepml: a reproducible deep-learning-in-HEP benchmark workflow."""

__version__ = "0.1.0"
