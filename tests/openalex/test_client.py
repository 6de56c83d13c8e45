"""The OpenAlex client against the fake server: shapes, paging, errors, backoff, limits."""

from __future__ import annotations

import pytest

from openrace.errors import (
    AuthenticationError,
    RateLimitExhaustedError,
    SourceError,
    SourceUnreachableError,
)
from openrace.sources.openalex import OpenAlexClient, country_key, retry_after
from tests.openalex.fakealex import FakeAlex, FakeAlexServer, Fault

AI = "primary_topic.subfield.id:1702"


def test_group_by_countries_per_year(client: OpenAlexClient, alex: FakeAlex) -> None:
    groups, total = client.group_by(f"{AI},publication_year:2023", "authorships.countries")
    counts = {country_key(g["key"]): g["count"] for g in groups}
    assert total == 12
    assert counts == {"US": 4, "CN": 8, "GB": 2}
    assert all(g["key"].startswith("https://openalex.org/countries/") for g in groups)
    # the key and the contact email travel as OpenAlex documents them
    assert "api_key=sekret-key" in alex.seen[-1] and "mailto=me%40example.org" in alex.seen[-1]


def test_group_by_pages_with_cursor(client: OpenAlexClient) -> None:
    groups, _ = client.group_by(AI, "authorships.countries", per_page=1)
    assert sorted(country_key(g["key"]) for g in groups) == ["CN", "GB", "US"]
    # three full pages of one group, then the empty page that ends the groups
    assert client.requests == 4


def test_cursor_pages_sorted_by_citations(client: OpenAlexClient) -> None:
    pages = list(client.pages("works", filter=f"{AI},publication_year:2022",
                              sort="cited_by_count:desc", select="id,cited_by_count",
                              per_page=5))
    assert [len(p.items) for p in pages] == [5, 5, 2]
    cited = [w["cited_by_count"] for p in pages for w in p.items]
    assert cited == sorted(cited, reverse=True)
    assert set(pages[0].items[0]) == {"id", "cited_by_count"}
    assert pages[0].cursor is None and pages[-1].next_cursor is None
    # resuming from a page's cursor gives the same following pages
    again = list(client.pages("works", cursor=pages[0].next_cursor,
                              filter=f"{AI},publication_year:2022", sort="cited_by_count:desc",
                              select="id,cited_by_count", per_page=5))
    assert [p.items for p in again] == [p.items for p in pages[1:]]


def test_403_too_fast_is_waited_out(client: OpenAlexClient, alex: FakeAlex,
                                    sleeps: list[float]) -> None:
    alex.faults[1] = Fault(403, b'{"error": "Rate limit exceeded; slow down"}',
                           {"Retry-After": "7"})
    alex.faults[2] = Fault(503)
    assert client.count(AI) == 36
    assert client.requests == 3
    assert sleeps[0] == 7.0 and sleeps[1] > 0


def test_per_second_429_of_the_proxy_is_waited_out(client: OpenAlexClient, alex: FakeAlex,
                                                   sleeps: list[float]) -> None:
    body = b'{"error": "Rate limit exceeded", "message": "Rate limit exceeded: 30 requests ' \
           b'per second. Please slow down."}'
    alex.faults[1] = Fault(429, body, {"Retry-After": "1", "X-RateLimit-Remaining-USD": "0.42"})
    assert client.count(AI) == 36
    assert client.requests == 2 and sleeps == [1.0]


def test_5xx_gives_up_after_retries(client: OpenAlexClient, alex: FakeAlex) -> None:
    alex.fault_fn = lambda n: Fault(502, b"<html>bad gateway</html>")
    with pytest.raises(SourceError, match=r"kept failing after 3 retries.*502"):
        client.count(AI)
    assert client.requests == 4  # retries=3: four attempts, as for the Hub


def test_no_retry_with_retries_0(server: FakeAlexServer, alex: FakeAlex) -> None:
    alex.fault_fn = lambda n: Fault(503)
    with (OpenAlexClient(endpoint=server.url, retries=0, requests_per_second=0) as c,
          pytest.raises(SourceError, match="after 0 retries")):
        c.count(AI)
    assert alex.requests == 1


def test_repeated_403_ends_with_rate_limit_error(client: OpenAlexClient, alex: FakeAlex) -> None:
    alex.fault_fn = lambda n: Fault(403, b"{}", {"Retry-After": "1"})
    with pytest.raises(RateLimitExhaustedError, match=r"per second.*--requests-per-second"):
        client.count(AI)
    assert client.requests == 4


def test_a_429_without_detail_is_the_day_spent(client: OpenAlexClient, alex: FakeAlex) -> None:
    alex.faults[1] = Fault(429, b'{"error": "Rate limit exceeded"}', {"Retry-After": "3600"})
    with pytest.raises(RateLimitExhaustedError, match=r"daily allowance is spent.*1\.0 h"):
        client.count(AI)
    assert client.requests == 1


def test_daily_allowance_spent_stops_at_once(client: OpenAlexClient, alex: FakeAlex) -> None:
    alex.budget = 2
    client.count(AI)
    client.count(AI)
    with pytest.raises(RateLimitExhaustedError, match="daily allowance is spent"):
        client.count(AI)
    assert client.requests == 3  # no retry of a spent allowance


def test_bad_key_is_an_authentication_error(server: FakeAlexServer, alex: FakeAlex) -> None:
    alex.api_key = "the-right-one"
    with (OpenAlexClient(endpoint=server.url, api_key="wrong-key", requests_per_second=0) as c,
          pytest.raises(AuthenticationError) as err):
        c.count(AI)
    assert "wrong-key" not in str(err.value)


def test_unknown_filter_is_one_clear_error(client: OpenAlexClient) -> None:
    with pytest.raises(SourceError, match=r"rejected the query.*not_a_field"):
        client.count("not_a_field:1")


MALFORMED = [b"not json at all", b'["a list"]', b'{"meta": {"count": 1}, "results": "nope"}',
             b'{"meta": {"count": 1}, "resu']


@pytest.mark.parametrize("body", MALFORMED)
def test_a_malformed_page_is_fetched_again(client: OpenAlexClient, alex: FakeAlex,
                                           body: bytes) -> None:
    alex.faults[1] = Fault(200, body)
    pages = list(client.pages("works", filter=AI, per_page=100))
    assert sum(len(p.items) for p in pages) == 36 and pages[0].requests == 2


@pytest.mark.parametrize("body", MALFORMED)
def test_a_page_malformed_every_time_is_a_source_error(client: OpenAlexClient, alex: FakeAlex,
                                                       body: bytes) -> None:
    alex.fault_fn = lambda n: Fault(200, body)
    with pytest.raises(SourceError, match=r"malformed.*3 times.*resume"):
        list(client.pages("works", filter=AI))
    assert client.requests == 3  # as the Hub: two fetches again


def test_unreachable_server_is_one_line() -> None:
    with (OpenAlexClient(endpoint="http://127.0.0.1:9", api_key="k", requests_per_second=0) as c,
          pytest.raises(SourceUnreachableError) as err):
        c.count(AI)
    assert "cannot reach OpenAlex at http://127.0.0.1:9" in str(err.value)
    assert "\n" not in str(err.value) and "api_key" not in str(err.value)


def test_retry_after_forms() -> None:
    assert retry_after({"retry-after": "12"}) == 12.0
    assert retry_after({}) is None
    assert retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0
