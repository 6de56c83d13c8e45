"""Metrics: every figure openrace shows, defined once as an Ibis expression.

See :mod:`openrace.metrics.base` for the contract and :mod:`openrace.metrics.catalogue`
for the catalogue (``load_catalogue().evaluate(name, store, by=..., period=...)``).
"""

from openrace.metrics.base import Metric, Option, Query, metric, period_of, tidy
from openrace.metrics.catalogue import CATALOGUE, Catalogue, load_catalogue

__all__ = [
    "CATALOGUE",
    "Catalogue",
    "Metric",
    "Option",
    "Query",
    "load_catalogue",
    "metric",
    "period_of",
    "tidy",
]
