"""Harvesters: read a source's pages and store them, resumably (one module per source)."""
