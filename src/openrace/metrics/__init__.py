"""Metrics: every figure openrace shows, defined once as an Ibis expression.

See :mod:`openrace.metrics.base` for the contract and :mod:`openrace.metrics.catalogue`
for the catalogue (``load_catalogue().evaluate(name, store, by=..., period=...)``).
"""

from openrace.metrics.base import KINDS, Metric, Option, Query, period_of, tidy
from openrace.metrics.catalogue import CATALOGUE, Catalogue, Family, load_catalogue, metric

__all__ = [
    "CATALOGUE",
    "KINDS",
    "Catalogue",
    "Family",
    "Metric",
    "Option",
    "Query",
    "load_catalogue",
    "metric",
    "period_of",
    "tidy",
]
