"""The one definition of an artifact's *country* and of its *latest observation*, shared by
the listings (SQL in ``openrace.queries``) and the metrics (Ibis in ``openrace.metrics``).

Country rule ``owner`` (the default): the country of the attributed organisation's owner,
else the attribution's own country; ``location``: the attribution's country only. An
artifact attributed to no country has none: a listing shows it empty, a metric puts it in
the group ``XX`` (:data:`UNATTRIBUTED_COUNTRY`), so that its share is shown, not hidden.

Latest observation: of an artifact's observations of one metric, the value of the latest
harvest run (the largest ``run_id``), not of the latest ``observed_at``: two runs can
observe within the same second.

>>> country_sql("owner", "o.owner_country", "t.country")
'coalesce(o.owner_country, t.country)'
>>> country_sql("location", "o.owner_country", "t.country")
't.country'
>>> latest_sql("value")
'arg_max(value, run_id)'
"""

from __future__ import annotations

from typing import Any

COUNTRY_RULES = ("owner", "location")
#: the group of artifacts attributed to no country in a metric by country
UNATTRIBUTED_COUNTRY = "XX"
#: the column that orders observations: the harvest run
LATEST_BY = "run_id"


def _check(rule: str) -> None:
    if rule not in COUNTRY_RULES:
        raise ValueError(f"country rule must be one of {COUNTRY_RULES}, not {rule!r}")


def country_sql(rule: str, owner_country: str, country: str) -> str:
    """The SQL expression of an artifact's country under ``rule``, from the owner's country
    column and the attribution's country column."""
    _check(rule)
    return f"coalesce({owner_country}, {country})" if rule == "owner" else country


def country_expr(rule: str, owner_country: Any, country: Any) -> Any:
    """The Ibis expression of an artifact's country under ``rule`` (as :func:`country_sql`)."""
    _check(rule)
    return owner_country.coalesce(country) if rule == "owner" else country


def latest_sql(value: str) -> str:
    """The SQL aggregate of the latest observed ``value`` (use with GROUP BY artifact)."""
    return f"arg_max({value}, {LATEST_BY})"


def latest_expr(observations: Any) -> Any:
    """The Ibis aggregate of the latest observed value of an ``observations`` table."""
    return observations.value.argmax(observations[LATEST_BY])
