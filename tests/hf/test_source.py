"""The Hub source: parsing at the edge, lineage from tags, pacing, and the fake Hub's
faithfulness to the real client."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openrace.rules.attribution import OrgRef, hub_attribution, inherited_rows, namespace_index
from openrace.sources.hf import (
    LISTING_EXPAND,
    LISTING_REFUSED,
    BadRecord,
    HubClient,
    Pacer,
    expand_for,
    is_repo_id,
    lineage_of,
    parse_dataset,
    parse_model,
)
from tests.hf.conftest import world_datasets
from tests.hf.fakehub import FakeHub, FakeHubServer, MemoryCatalog, make_model


def test_parse_model_reads_the_api_shape() -> None:
    raw = make_model("Qwen/Qwen2.5-7B-Instruct-AWQ", "2024-09-19T07:18:09.000Z",
                     downloads=12, likes=3, all_time=99, params=2_000_000_000,
                     parents=[("Qwen/Qwen2.5-7B-Instruct", "quantized")], license="apache-2.0")
    r = parse_model(raw)
    assert r.id == "Qwen/Qwen2.5-7B-Instruct-AWQ" and r.author == "Qwen"
    assert r.created == datetime(2024, 9, 19, 7, 18, 9)
    assert (r.downloads_30d, r.downloads_all_time, r.likes) == (12, 99, 3)
    assert r.created_known
    assert r.license == "apache-2.0" and r.params == 2e9
    assert r.parents == [("Qwen/Qwen2.5-7B-Instruct", "quantized")] and r.quantized


@pytest.mark.parametrize("raw, reason", [
    ({"createdAt": "2024-01-01T00:00:00Z"}, "missing id"),
    ({"id": "a b/c", "createdAt": "2024-01-01T00:00:00Z"}, "malformed id"),
    ({"id": "a/b", "createdAt": "yesterday"}, "createdAt"),
    ({"id": "a/b", "createdAt": "1970-01-01T00:00:00Z"}, "out of range"),
    ({"id": "a/b"}, "missing createdAt"),
    ({"id": "a/b", "createdAt": "2024-01-01T00:00:00Z", "likes": -1}, "negative"),
    ({"id": "a/b", "createdAt": "2024-01-01T00:00:00Z", "tags": [1, 2]}, "tags"),
    (["not", "a", "dict"], "not an object"),
])
def test_bad_records_raise(raw: object, reason: str) -> None:
    with pytest.raises(BadRecord, match=reason):
        parse_model(raw)


def test_parse_dataset_scores_the_card() -> None:
    full = parse_dataset(world_datasets()[1])
    assert full.tasks == ["question-answering"] and full.license == "llama3.1"
    assert full.card_completeness == pytest.approx(4 / 7, abs=1e-3)
    empty = parse_dataset(world_datasets()[2])
    assert empty.card_completeness == 0.0


def test_lineage_relations() -> None:
    tags = ["base_model:a/x", "base_model:adapter:a/x", "base_model:b/y", "base_model:c/z",
            "base_model:merge:c/z", "base_model:odd:d/w"]
    assert lineage_of("me/m", tags, None) == [("a/x", "adapter"), ("b/y", "unknown"),
                                              ("c/z", "merge"), ("d/w", "unknown")]
    assert lineage_of("me/m", [], {"base_model": "a/x", "base_model_relation": "quantized"}
                      ) == [("a/x", "quantized")]
    assert lineage_of("me/m", [], None, {"relation": "finetune", "models": [{"id": "a/x"}]}
                      ) == [("a/x", "finetune")]
    assert lineage_of("me/m", ["base_model:me/m"], None) == []  # no self loop


@given(st.dictionaries(st.sampled_from(["id", "createdAt", "tags", "downloads", "likes",
                                        "cardData", "baseModels", "safetensors", "author"]),
                       st.one_of(st.none(), st.text(max_size=30), st.integers(),
                                 st.lists(st.text(max_size=30), max_size=4),
                                 st.dictionaries(st.text(max_size=8), st.text(max_size=8),
                                                 max_size=3))))
@settings(max_examples=300, deadline=None)
def test_parsers_never_crash(raw: dict) -> None:
    for parse in (parse_model, parse_dataset):
        try:
            rec = parse(raw)
        except BadRecord:
            continue
        assert is_repo_id(rec.id)
        assert all(is_repo_id(p) for p, _ in rec.parents)


@given(st.text(max_size=120))
def test_repo_id_rejects_markup(text: str) -> None:
    if is_repo_id(text):
        assert not set(text) & set("<>\"' &;:\\")


def test_pacer_keeps_under_the_window() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    p = Pacer(limit=3, window=300, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        p.wait()
    assert slept == []
    p.wait()
    assert slept == [300]
    p.observe(remaining=0, reset_in=40)
    p.wait()
    assert slept[-1] == pytest.approx(40)
    p.adopt(limit=10, window=60)  # the server's RateLimit-Policy replaces the plan's
    assert (p.limit, p.window, p.source) == (10, 60.0, "server")
    assert p.seconds_for(10) == 0 and p.seconds_for(30) == pytest.approx(120)
    fixed = Pacer(limit=5, fixed=True, source="user")
    fixed.adopt(limit=1000, window=300)
    assert (fixed.limit, fixed.source) == (5, "user")


def test_pacer_spreads_the_last_requests() -> None:
    now = [0.0]
    slept: list[float] = []
    p = Pacer(limit=100, window=300, clock=lambda: now[0], sleep=slept.append)
    p.observe(remaining=3, reset_in=40)  # few left: one every 10 s
    p.wait()
    assert slept == [pytest.approx(10)]


def test_attribution_rules() -> None:
    index = namespace_index([{"id": "qwen", "country": "CN", "hf_namespaces": ["Qwen"]}])
    assert index == {"qwen": OrgRef("qwen", "CN")}
    assert hub_attribution("hf:model:QWEN/x", "QWEN/x", index)["org_id"] == "qwen"
    row = hub_attribution("hf:model:bob/x", "bob/x", index)
    assert (row["org_id"], row["method"], row["weight"]) == (None, "unattributed", 1.0)
    rows = inherited_rows("hf:model:m", ["hf:model:Qwen/a", "hf:model:bob/b"], {
        "hf:model:Qwen/a": [{"org_id": "qwen", "country": "CN", "weight": 1.0}]})
    assert [(r["org_id"], r["weight"]) for r in rows] == [("qwen", 0.5), (None, 0.5)]


def test_listings_ask_only_for_expand_values_the_hub_accepts() -> None:
    for kind in ("model", "dataset"):
        asked = set(expand_for(kind))
        assert asked <= LISTING_EXPAND[kind] and not asked & LISTING_REFUSED[kind]
    assert {"downloadsAllTime", "tags", "createdAt"} <= set(expand_for("model"))
    assert "description" in expand_for("dataset")
    url = HubClient(endpoint="http://x", requests_per_window=0).first_url("model")
    assert "childrenModelCount" not in url and "baseModels" not in url
    assert "direction" not in url  # the Hub sorts descending only


def test_the_placeholder_creation_date_is_no_date() -> None:
    old = parse_model(make_model("google-bert/bert-base-uncased", "2022-03-02T23:29:04.000Z"))
    later = parse_model(make_model("deepset/roberta", "2022-03-02T23:29:05.000Z"))
    new = parse_model(make_model("Qwen/x", "2022-03-03T10:00:00.000Z"))
    assert not old.created_known and not later.created_known and new.created_known


def _listing(n: int) -> MemoryCatalog:
    return MemoryCatalog([make_model(f"org/m{i:03d}", f"2024-01-01T00:{i // 60:02d}:"
                                     f"{i % 60:02d}.000Z") for i in range(n)])


def test_pages_read_ahead_in_order_and_stop_with_the_caller() -> None:
    from tests.hf.conftest import fast_client

    hub = FakeHub(catalog=_listing(50), max_page=5)
    with FakeHubServer(hub) as srv:
        client = fast_client(srv.url, prefetch=3)
        pages = list(client.pages("model", page_size=5))
        ids = [r.id for p in pages for r in p.records]
        assert ids == [f"org/m{i:03d}" for i in range(49, -1, -1)]  # newest first, all once
        assert sum(p.requests for p in pages) == hub.requests == 10
        hub.requests = 0
        listing = client.pages("model", page_size=5)
        first = next(listing)
        listing.close()  # the caller stops: the worker stops too
        assert len(first.records) == 5
        assert hub.requests <= 1 + 3 + 1  # this page, a full queue, one in flight
        import threading

        assert not [t for t in threading.enumerate() if t.name == "openrace-hf"]


def test_an_error_reaches_the_caller_after_the_pages_before_it() -> None:
    from openrace.errors import SourceError
    from tests.hf.conftest import fast_client
    from tests.hf.fakehub import Fault

    hub = FakeHub(catalog=_listing(20), max_page=5, faults={3: Fault("503")})
    with FakeHubServer(hub) as srv:
        got = []
        with pytest.raises(SourceError, match="HTTP 503"):
            for page in fast_client(srv.url, retries=0, prefetch=4).pages("model",
                                                                          page_size=5):
                got.append(page)
        assert len(got) == 2


def test_a_record_json_cannot_hold_is_quarantined_not_the_page() -> None:
    """NaN is not JSON, but Python's json writes it and reads it: the page is read (by the
    fallback decoder) and only that record is refused."""
    from tests.hf.conftest import fast_client

    hub = FakeHub(catalog=MemoryCatalog([
        make_model("org/ok", "2024-01-02T00:00:00.000Z"),
        make_model("org/nan", "2024-01-01T00:00:00.000Z", downloads=float("nan"))]))
    with FakeHubServer(hub) as srv:
        (page,) = fast_client(srv.url).pages("model")
    assert [r.id for r in page.records] == ["org/ok"]
    assert [(key, reason) for key, reason, _ in page.bad] == [
        ("org/nan", "downloads is not a number: 'nan'")]
