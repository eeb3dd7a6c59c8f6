"""planocr: Vietnamese administrative plans from paper to clean text and JSON records."""

__version__ = "0.3.0"
