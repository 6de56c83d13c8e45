"""The fake Hub keeps the real Hub's contract (``docs/contracts/hub.md``), refusals
included, checked with the real ``huggingface_hub`` client pointed at it: a fake that
accepts what the Hub refuses would let openrace depend on it again."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError
from huggingface_hub.utils import parse_ratelimit_headers

from openrace.errors import AuthenticationError, SourceError
from openrace.sources.hf import LISTING_EXPAND, HubClient, expand_for
from tests.hf.conftest import world_datasets, world_models
from tests.hf.fakehub import (
    LISTING_EXPAND as FAKE_LISTING_EXPAND,
)
from tests.hf.fakehub import (
    UNKNOWN_CREATED,
    FakeHub,
    FakeHubServer,
    MemoryCatalog,
    make_model,
)


@pytest.fixture
def hub() -> FakeHubServer:
    server = FakeHubServer(FakeHub(catalog=MemoryCatalog(world_models(), world_datasets()),
                                   max_page=3, default_page=3, quota=1000))
    with server:
        yield server  # type: ignore[misc]


@pytest.mark.parametrize("value", ["childrenModelCount", "baseModels", "usedStorage", "foo"])
def test_a_listing_refuses_expand_values_of_the_repo_endpoint(hub: FakeHubServer,
                                                              value: str) -> None:
    api = HfApi(endpoint=hub.url, token=False)
    with pytest.raises(HfHubHTTPError) as err:
        list(api.list_models(expand=["author", value]))  # type: ignore[list-item]
    assert err.value.response.status_code == 400
    assert value in (err.value.server_message or "")


def test_a_dataset_listing_refuses_used_storage(hub: FakeHubServer) -> None:
    api = HfApi(endpoint=hub.url, token=False)
    with pytest.raises(HfHubHTTPError) as err:
        list(api.list_datasets(expand=["usedStorage"]))  # type: ignore[list-item]
    assert err.value.response.status_code == 400


def test_the_repo_endpoint_accepts_them(hub: FakeHubServer) -> None:
    api = HfApi(endpoint=hub.url, token=False)
    info = api.model_info("Qwen/Qwen2.5-7B", expand=["childrenModelCount", "likes"])
    assert info.children_model_count == 3 and info.likes == 300


def test_with_expand_only_ids_and_the_asked_properties_come_back(hub: FakeHubServer) -> None:
    body = httpx.get(f"{hub.url}/api/models", params={"expand[]": ["likes"], "limit": 2}).json()
    assert body and all(set(r) == {"_id", "id", "likes"} for r in body)
    plain = httpx.get(f"{hub.url}/api/models", params={"limit": 2}).json()
    assert "createdAt" in plain[0] and "downloadsAllTime" not in plain[0]


def test_the_fake_accepts_what_openrace_asks_and_agrees_on_the_list() -> None:
    for kind, fake in (("model", "models"), ("dataset", "datasets")):
        assert LISTING_EXPAND[kind] == FAKE_LISTING_EXPAND[fake]
        assert set(expand_for(kind)) <= FAKE_LISTING_EXPAND[fake]


def test_sorting_is_descending_whatever_direction_says(hub: FakeHubServer) -> None:
    up = httpx.get(f"{hub.url}/api/models", params={"sort": "createdAt", "direction": 1,
                                                    "limit": 3, "expand[]": "createdAt"})
    dates = [r["createdAt"] for r in up.json()]
    assert dates == sorted(dates, reverse=True)


def test_pages_link_with_an_opaque_cursor_and_a_capped_limit(hub: FakeHubServer) -> None:
    r = httpx.get(f"{hub.url}/api/models", params={"limit": 5000})
    assert len(r.json()) == 3  # the page size cap (1,000 on the Hub; 3 here)
    nxt = r.links["next"]["url"]
    cursor = httpx.URL(nxt).params["cursor"]
    json.loads(base64.urlsafe_b64decode(cursor))  # opaque to clients, keyset inside
    api = HfApi(endpoint=hub.url, token=False)
    assert len(list(api.list_models())) == len(world_models())


def test_base_model_filter_lists_direct_children_only(hub: FakeHubServer) -> None:
    api = HfApi(endpoint=hub.url, token=False)
    kids = {m.id for m in api.list_models(filter="base_model:Qwen/Qwen2.5-7B")}
    assert kids == {"alice/qwen-ft", "TheBloke/Qwen2.5-7B-GGUF", "dave/merge"}
    assert "bob/qwen-ft-ft" not in kids  # a grandchild names only its own parent


def test_ratelimit_headers_on_every_answer(hub: FakeHubServer) -> None:
    r = httpx.get(f"{hub.url}/api/models", params={"limit": 1})
    info = parse_ratelimit_headers(r.headers)
    assert info is not None and (info.limit, info.window_seconds) == (1000, 300)
    assert info.remaining == 999


def test_a_spent_quota_is_429_with_the_seconds_to_the_reset() -> None:
    hub = FakeHub(catalog=MemoryCatalog(world_models()), quota=2, window=300)
    with FakeHubServer(hub) as srv:
        for _ in range(2):
            assert httpx.get(f"{srv.url}/api/models").status_code == 200
        r = httpx.get(f"{srv.url}/api/models")
    assert r.status_code == 429
    info = parse_ratelimit_headers(r.headers)
    assert info is not None and info.remaining == 0 and 0 < info.reset_in_seconds <= 300


def test_a_bad_token_is_401() -> None:
    hub = FakeHub(catalog=MemoryCatalog(world_models()), tokens={"hf_good"})
    with FakeHubServer(hub) as srv:
        r = httpx.get(f"{srv.url}/api/models", headers={"authorization": "Bearer hf_bad"})
        assert r.status_code == 401
        client = HubClient(endpoint=srv.url, token="hf_bad", requests_per_window=0,
                           backoff=0.01)
        with pytest.raises(AuthenticationError, match="HTTP 401") as err:
            client._get(client.first_url("model"))
    assert "hf_bad" not in str(err.value)


def test_old_repos_carry_the_placeholder_date() -> None:
    hub = FakeHub(catalog=MemoryCatalog([make_model("bert-base-uncased", UNKNOWN_CREATED)]))
    with FakeHubServer(hub) as srv:
        (m,) = HfApi(endpoint=srv.url, token=False).list_models(expand=["createdAt"])
    assert m.created_at is not None and m.created_at.isoformat().startswith("2022-03-02T23:29")


def test_a_refused_request_shows_the_hubs_words_and_says_rerunning_will_not_help(
        hub: FakeHubServer) -> None:
    client = HubClient(endpoint=hub.url, requests_per_window=0, backoff=0.01)
    with pytest.raises(SourceError) as err:
        client._get("/api/models?expand[]=childrenModelCount")
    text = str(err.value)
    assert "HTTP 400" in text and "childrenModelCount" in text
    assert "will not help" in text and "resume" not in text


def test_the_client_under_test_is_the_one_expected() -> None:
    """``make test-hub-lower`` runs these tests on the lowest huggingface_hub that
    pyproject.toml allows; it sets OPENRACE_EXPECT_HUB to that version."""
    import os

    import huggingface_hub

    expected = os.environ.get("OPENRACE_EXPECT_HUB")
    if expected:
        assert huggingface_hub.__version__ == expected


def test_the_lower_bound_tested_is_the_one_declared() -> None:
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    declared = re.search(r'"huggingface_hub>=([\d.]+)', (root / "pyproject.toml").read_text())
    tested = re.search(r"^HUB_LOWER := ([\d.]+)$", (root / "Makefile").read_text(), re.M)
    assert declared and tested
    assert tested.group(1).split(".")[:2] == declared.group(1).split(".")[:2]


def _contract_rows() -> list[list[str]]:
    from pathlib import Path

    doc = Path(__file__).resolve().parents[2] / "docs" / "contracts" / "hub.md"
    rows = []
    for line in doc.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if line.startswith("| ") and len(cells) == 3 and cells[0] != "rule":
            rows.append(cells)
    return rows


def test_every_rule_of_the_contract_names_its_source_or_says_it_is_unsettled() -> None:
    rows = _contract_rows()
    assert len(rows) >= 25
    for rule, _use, source in rows:
        assert source, rule
        if source in ("—", "fake only"):
            assert "not settled" in rule.lower() or "not documented" in rule.lower(), rule


def test_the_contract_lists_the_expand_values_the_code_uses() -> None:
    import re

    text = {r[0] for r in _contract_rows()}
    for kind, label in (("model", "A model listing accepts"),
                        ("dataset", "A dataset listing accepts")):
        (rule,) = [r for r in text if r.startswith(label)]
        assert set(re.findall(r"`([^`]+)`", rule)) == LISTING_EXPAND[kind]
