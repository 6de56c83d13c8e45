"""The fake OpenAlex keeps the contract of ``docs/contracts/openalex.md``: one test per
refusal and per shape openrace relies on, with raw HTTP requests (no openrace code)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.openalex.conftest import CAS, GOOGLE, MIT, TSINGHUA
from tests.openalex.fakealex import FakeAlex, FakeAlexServer, make_author, make_work

AI = "primary_topic.subfield.id:1702"
REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "openalex"


def get(
    server: FakeAlexServer,
    path: str = "/works",
    headers: dict[str, str] | None = None,
    **params: Any,
) -> httpx.Response:
    params.setdefault("api_key", "k")
    params = {k: v for k, v in params.items() if v is not None}
    return httpx.get(server.url + path, params=params, headers=headers, timeout=5)


# -- paging [paging] ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["per_page", "per-page"])
@pytest.mark.parametrize("value", [0, 101, 200])
def test_per_page_outside_1_to_100_is_refused(
    server: FakeAlexServer, name: str, value: int
) -> None:
    r = get(server, filter=AI, **{name: value})
    assert r.status_code == 400 and "between 1 and 100" in r.json()["message"]


def test_per_page_100_is_accepted(server: FakeAlexServer) -> None:
    r = get(server, filter=AI, per_page=100)
    assert r.status_code == 200 and len(r.json()["results"]) == 36


def test_basic_paging_stops_at_10000_results(server: FakeAlexServer) -> None:
    r = get(server, filter=AI, per_page=100, page=101)
    assert r.status_code == 400 and "Cursor pagination is required" in r.json()["message"]


def test_cursor_listing_ends_with_an_empty_page(server: FakeAlexServer) -> None:
    r = get(server, filter=f"{AI},publication_year:2023", per_page=12, cursor="*").json()
    assert len(r["results"]) == 12 and r["meta"]["next_cursor"]
    last = get(
        server, filter=f"{AI},publication_year:2023", per_page=12, cursor=r["meta"]["next_cursor"]
    ).json()
    assert last["results"] == [] and last["meta"]["next_cursor"] is None


def test_unknown_parameter_is_refused(server: FakeAlexServer) -> None:
    r = get(server, filter=AI, limit=5)
    assert r.status_code == 400 and "limit is not a valid parameter" in r.json()["message"]


# -- filters [filters] -------------------------------------------------------------------------


def test_unknown_filter_field_is_refused(server: FakeAlexServer) -> None:
    r = get(server, filter="author_name:smith")
    assert r.status_code == 400 and "author_name is not a valid field" in r.json()["message"]


def test_more_than_100_or_values_are_refused(server: FakeAlexServer) -> None:
    ids = "|".join(f"I{n}" for n in range(101))
    r = get(server, filter=f"authorships.institutions.id:{ids}")
    assert r.status_code == 400 and "Maximum number of values" in r.json()["message"]
    ok = get(server, filter="authorships.institutions.id:" + "|".join(f"I{n}" for n in range(100)))
    assert ok.status_code == 200


def test_not_only_in_front_of_an_or_list(server: FakeAlexServer) -> None:
    r = get(server, filter="authorships.institutions.id:I1|!I2")
    assert r.status_code == 400 and "beginning of an OR query" in r.json()["message"]


def test_or_between_two_filters_is_refused(server: FakeAlexServer) -> None:
    r = get(server, filter="authorships.countries:us|publication_year:2023")
    assert r.status_code == 400 and "OR query between filters" in r.json()["message"]


def test_negated_or_list_means_none_of_them(server: FakeAlexServer) -> None:
    both = get(
        server, filter=f"{AI},authorships.institutions.id:I99065089|I63966007", per_page=1
    ).json()["meta"]["count"]
    neither = get(
        server, filter=f"{AI},authorships.institutions.id:!I99065089|I63966007", per_page=1
    ).json()["meta"]["count"]
    assert both + neither == 36


def test_filters_match_independently_on_one_work() -> None:
    # one work: a US company author and a Chinese university author
    alex = FakeAlex(
        works=[make_work(1, 2024, 5, [make_author("g", [GOOGLE]), make_author("t", [TSINGHUA])])]
    )
    with FakeAlexServer(alex) as srv:
        r = get(
            srv,
            filter="authorships.institutions.type:company,authorships.institutions.country_code:CN",
            per_page=1,
        )
        # no Chinese company on the work, yet it matches both clauses
        assert r.json()["meta"]["count"] == 1


# -- group_by [group_by] -----------------------------------------------------------------------


def test_group_keys_are_entity_ids(server: FakeAlexServer) -> None:
    r = get(server, filter=f"{AI},publication_year:2023", group_by="authorships.countries")
    keys = {g["key"] for g in r.json()["group_by"]}
    assert keys == {f"https://openalex.org/countries/{c}" for c in ("US", "CN", "GB")}
    r = get(
        server, filter=f"{AI},publication_year:2023", group_by="authorships.institutions.id"
    ).json()
    assert all(g["key"].startswith("https://openalex.org/I") for g in r["group_by"])
    assert r["results"] == []


def test_unknown_group_only_when_asked(server: FakeAlexServer) -> None:
    f = f"{AI},publication_year:2023"
    hidden = get(server, filter=f, group_by="authorships.countries").json()["group_by"]
    shown = get(server, filter=f, group_by="authorships.countries:include_unknown").json()[
        "group_by"
    ]
    assert "unknown" not in {g["key"] for g in hidden}
    assert {g["key"]: g["count"] for g in shown}["unknown"] == 2  # the "nobody" works


def test_group_by_pages_with_a_cursor_in_key_order(server: FakeAlexServer) -> None:
    keys, cursor, calls = [], "*", 0
    while cursor:
        r = get(
            server, filter=AI, group_by="authorships.countries", per_page=1, cursor=cursor
        ).json()
        calls += 1
        keys += [g["key"] for g in r["group_by"]]
        cursor = r["meta"]["next_cursor"]
    assert keys == sorted(keys) and len(keys) == 3 and calls == 4


def test_group_by_refuses_page_2(server: FakeAlexServer) -> None:
    r = get(server, filter=AI, group_by="authorships.countries", page=2)
    assert r.status_code == 400 and "page 1" in r.json()["message"]


def test_group_by_counts_are_honest(server: FakeAlexServer, alex: FakeAlex) -> None:
    r = get(
        server, filter=f"{AI},authorships.institutions.type:company", group_by="publication_year"
    ).json()
    truth: dict[str, int] = {}
    for w in alex.works:
        types = {i["type"] for a in w["authorships"] for i in a["institutions"]}
        if w["primary_topic"]["subfield"]["id"].endswith("/1702") and "company" in types:
            truth[str(w["publication_year"])] = truth.get(str(w["publication_year"]), 0) + 1
    assert {g["key"]: g["count"] for g in r["group_by"]} == truth


# -- authentication and allowance [auth] [allowance] [rate] -----------------------------------


def test_a_wrong_key_is_401(server: FakeAlexServer, alex: FakeAlex) -> None:
    alex.api_key = "right"
    assert get(server, api_key="wrong").status_code == 401
    assert get(server, api_key="right").status_code == 200
    # pyalex sends the key as a bearer token
    assert get(server, api_key=None, headers={"Authorization": "Bearer right"}).status_code == 200


def test_without_a_key_the_allowance_is_100_list_calls(
    server: FakeAlexServer, alex: FakeAlex
) -> None:
    alex.anon_budget = 3
    codes = [get(server, api_key=None, filter=AI).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert FakeAlex().anon_budget == 100  # $0.01 at $0.0001 a call


def test_rate_limit_headers_are_fractional_usd(server: FakeAlexServer, alex: FakeAlex) -> None:
    alex.budget = 10000
    r = get(server, filter=AI)
    h = r.headers
    assert h["X-RateLimit-Limit-USD"] == "1" and h["X-RateLimit-Remaining-USD"] == "0.9999"
    assert h["X-RateLimit-Cost-USD"] == "0.0001" and h["X-RateLimit-Remaining"] == "9999"
    assert 0 < int(h["X-RateLimit-Reset"]) <= 86400


def test_the_day_spent_is_429_with_retry_after_to_midnight(
    server: FakeAlexServer, alex: FakeAlex
) -> None:
    alex.budget = 1
    assert get(server, filter=AI).status_code == 200
    r = get(server, filter=AI)
    assert r.status_code == 429
    h = r.headers
    assert float(h["X-RateLimit-Remaining-USD"]) < float(h["X-RateLimit-Cost-Required-USD"])
    assert int(h["Retry-After"]) == pytest.approx(int(h["X-RateLimit-Reset"]), abs=2)
    assert "Resets at midnight UTC" in r.json()["message"]


def test_too_many_per_second_is_403(server: FakeAlexServer, alex: FakeAlex) -> None:
    alex.per_second = 2
    codes = [get(server, filter=AI).status_code for _ in range(3)]
    assert codes[-1] == 403 and "slow down" in get(server).json()["message"]


def test_the_proxy_answers_too_many_per_second_with_429(
    server: FakeAlexServer, alex: FakeAlex
) -> None:
    alex.per_second, alex.per_second_status, alex.budget = 1, 429, 100
    get(server, filter=AI)
    r = get(server, filter=AI)
    assert r.status_code == 429 and r.headers["Retry-After"] == "1"
    assert float(r.headers["X-RateLimit-Remaining-USD"]) > 0
    assert "per second" in r.json()["message"]


def test_institutions_by_openalex_id(server: FakeAlexServer) -> None:
    r = get(
        server,
        "/institutions",
        filter="openalex:I99065089|I19820366",
        select="id,type,country_code,ror",
    ).json()
    got = {x["id"]: (x["type"], x["country_code"]) for x in r["results"]}
    assert got == {TSINGHUA["id"]: ("education", "CN"), CAS["id"]: ("government", "CN")}
    assert MIT["id"] not in got


# -- real shapes ---------------------------------------------------------------------------------


def _reference(name: str) -> dict[str, Any]:
    path = REFERENCE / name
    if not path.exists():
        pytest.skip("no ../shared/reference next to the repository")
    return json.loads(path.read_text())


def test_fake_work_has_the_fields_of_a_real_work() -> None:
    real = _reference("W2741809807.json")
    fake = make_work(1, 2024, 1, [make_author("a", [GOOGLE])])
    used = {
        "id",
        "doi",
        "display_name",
        "publication_year",
        "publication_date",
        "cited_by_count",
        "authorships",
        "primary_topic",
        "type",
        "fwci",
        "ids",
        "topics",
    }
    assert used <= set(real) and used <= set(fake)
    real_inst = real["authorships"][0]["institutions"][0]
    assert set(GOOGLE) <= set(real_inst) | {"display_name"}
    assert set(real["authorships"][0]) >= {"author", "institutions", "countries", "author_position"}


def test_real_universities_carry_type_funder() -> None:
    real = _reference("I27837315.json")
    assert real["display_name"] == "University of Michigan" and real["type"] == "funder"
