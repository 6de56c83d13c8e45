"""Epoch import on crafted CSV: mapping, unmatched names, malformed rows, multi-country
rows, provenance, idempotence, and the source's refusals."""

from __future__ import annotations

import json

import pytest

from openrace.errors import SourceError, SourceUnreachableError
from openrace.harvest.epoch import harvest, org_key, unmatched_organizations
from openrace.sources.epoch import (
    EpochClient,
    name_key,
    parse_countries,
    parse_csv,
    parse_date,
    split_names,
)
from tests.epoch.fakeepoch import HEADER, FakeEpoch, row, serve, to_csv


def _client(endpoint: str) -> EpochClient:
    return EpochClient(endpoint=endpoint, sleep=lambda s: None, backoff=0.0)


def _attrs(store, model: str) -> list[tuple]:
    return sorted(
        (r["org_id"] or "", r["country"] or "", round(r["weight"], 3))
        for r in store.dicts(
            "SELECT * FROM attributions WHERE artifact_id = ?", [f"epoch:release:{model}"]
        )
    )


def test_import_maps_rows_to_registry_organisations(store, epoch_server):
    endpoint, _ = epoch_server
    res = harvest(store, _client(endpoint))
    assert res.stored == 9
    assert res.rejected == 5
    assert res.read == 14 + 3 + 5  # notable + frontier + large-scale rows
    assert _attrs(store, "GPT-4") == [("openai", "US", 1.0)]
    assert _attrs(store, "Qwen2.5-72B") == [("alibaba", "CN", 1.0)]
    assert _attrs(store, "Llama 3.1-405B") == [("meta", "US", 1.0)]  # alias "Meta AI"
    assert _attrs(store, "GLM-Joint") == [
        ("tsinghua-university", "CN", 0.5),
        ("zhipu-ai", "CN", 0.5),
    ]
    assert _attrs(store, "SenseNova-X") == [("sensetime", "HK", 1.0)]
    art = store.dicts("SELECT * FROM artifacts WHERE artifact_id = 'epoch:release:DeepSeek-V3'")[0]
    assert art["source"] == "epoch" and art["kind"] == "release"
    assert art["access"] == "open-weights" and art["weights"] is True
    assert art["license_class"] == "osi"
    assert art["params_b"] == pytest.approx(671.0)
    assert sorted(art["tags"]) == ["frontier", "large-scale", "notable"]
    assert json.loads(art["detail"])["training_compute_flop"] == pytest.approx(3.4e24)


def test_multi_country_row_and_unmatched_names(store, epoch_server):
    endpoint, _ = epoch_server
    res = harvest(store, _client(endpoint))
    # DeepMind (GB, registry) + an unknown lab: the unknown lab takes the country left (US)
    assert _attrs(store, "Duo-Model") == [("", "US", 0.5), ("google-deepmind", "GB", 0.5)]
    # a country name holding a comma is one country
    assert _attrs(store, "Mystery-1") == [("", "KR", 1.0)]
    # no organisation: the row's country
    assert _attrs(store, "Year-Only") == [("", "CN", 1.0)]
    names = {u["organization"] for u in res.unmatched}
    assert names == {"Unknown Lab", "Mystery Lab"}
    assert {u["organization"] for u in unmatched_organizations(store)} == names


def test_malformed_rows_are_quarantined_and_counted(store, epoch_server):
    endpoint, _ = epoch_server
    res = harvest(store, _client(endpoint))
    q = store.dicts("SELECT record_key, reason FROM quarantine WHERE source = 'epoch'")
    assert len(q) == res.rejected == 5
    reasons = " ".join(r["reason"] for r in q)
    for needle in (
        "not a date",
        "Parameters is not a number",
        "no model name",
        "neither true nor false",
        "fields",
    ):
        assert needle in reasons
    run = store.dicts("SELECT * FROM harvest_runs WHERE source = 'epoch'")[0]
    assert run["status"] == "ok" and run["n_rejected"] == 5 and run["n_stored"] == 9


def test_provenance_and_coverage_are_stored(store, epoch_server):
    endpoint, _ = epoch_server
    harvest(store, _client(endpoint))
    assert store.meta("epoch_data_date") == "2026-12-04"
    assert store.meta("epoch_coverage") == "2025-11-01"
    files = json.loads(store.meta("epoch_files"))
    assert [f["list"] for f in files] == ["notable", "frontier", "large-scale"]
    assert "CC BY 4.0" in store.meta("epoch_attribution")
    run = store.dicts("SELECT watermark FROM harvest_runs WHERE source = 'epoch'")[0]
    assert run["watermark"] == "2026-12-04"


def test_second_import_is_idempotent_and_replaces_the_snapshot(store):
    state = FakeEpoch()
    with serve(state) as (endpoint, st):
        harvest(store, _client(endpoint))
        first = store.counts()
        harvest(store, _client(endpoint))
        assert store.counts()["attributions"] == first["attributions"]
        assert (
            store.sql("SELECT count(*) FROM artifacts WHERE source = 'epoch'").to_pylist()[0][
                "count_star()"
            ]
            == 9
        )
        st.files["notable_ai_models.csv"] = to_csv(
            [row("GPT-4", "OpenAI", "United States", "2023-03-15")]
        )
        res = harvest(store, _client(endpoint), subsets=["notable"])
    assert res.removed == 8
    assert store.dicts("SELECT title FROM artifacts WHERE source = 'epoch'") == [{"title": "GPT-4"}]


def test_model_known_to_the_registry_is_marked(store, epoch_server):
    endpoint, _ = epoch_server
    res = harvest(store, _client(endpoint))
    covered = {
        r["title"]: json.loads(r["detail"])["registry_release"]
        for r in store.dicts("SELECT title, detail FROM artifacts WHERE source = 'epoch'")
    }
    assert covered["DeepSeek-V3"] is not None
    assert covered["Mystery-1"] is None
    assert res.covered_by_registry >= 1


def test_renamed_and_missing_columns():
    header = ["System", "Organization", "Publication date"]
    rows, bad, cols = parse_csv(
        to_csv([["AlexNet", "University of Toronto", "2012-09-30"]], header), "notable"
    )
    assert cols["model"] == "System" and not bad
    assert rows[0].model == "AlexNet" and rows[0].countries == () and rows[0].access is None
    with pytest.raises(SourceError, match="no date column"):
        parse_csv(to_csv([["A", "B"]], ["Model", "Organization"]), "notable")


def test_parsers():
    assert parse_date("2024-05") == (parse_date("2024-05-01")[0], "month")
    assert parse_date("2024")[1] == "year"
    assert parse_countries("United States of America,China") == (("US", "CN"), ())
    assert parse_countries("Korea, Republic of,Hong Kong") == (("KR", "HK"), ())
    assert parse_countries("Multinational,Atlantis") == ((), ("Atlantis",))
    assert split_names("Meta AI, Inc.,Google") == ("Meta AI, Inc.", "Google")
    assert org_key("Meta AI, Inc.") == org_key("meta ai")
    assert name_key("GPT-4 (Mar 2023)") == name_key("gpt 4")


def test_refusals_and_failures(store):
    with serve() as (endpoint, st):
        # a list that is not published: 404 on every known name
        st.files.pop("frontier_ai_models.csv")
        with pytest.raises(SourceError, match="no frontier list"):
            harvest(store, _client(endpoint))
        assert st.paths[-2:] == [
            "/data/frontier_ai_models.csv",
            "/data/generated/frontier_ai_models.csv",
        ]
        assert store.dicts("SELECT status FROM harvest_runs")[-1]["status"] == "failed"
        # the frontier list under generated/ is found
        st.files["generated/frontier_ai_models.csv"] = to_csv([])
        assert harvest(store, _client(endpoint)).stored == 9
        # 5xx and 429 are retried
        n = len(st.paths)
        st.faults = {n + 1: (503, {}, b"busy"), n + 2: (429, {"Retry-After": "0"}, b"slow")}
        assert harvest(store, _client(endpoint)).stored == 9
        # an HTML page where the CSV should be
        n = len(st.paths)
        st.faults = {n + 1: (200, {"Content-Type": "text/html"}, b"<!DOCTYPE html><p>moved")}
        with pytest.raises(SourceError, match="web page"):
            harvest(store, _client(endpoint))
    with pytest.raises(SourceUnreachableError, match="cannot reach Epoch AI"):
        harvest(store, _client(endpoint))
    # nothing stored was lost by the failures
    assert (
        store.sql("SELECT count(*) AS n FROM artifacts WHERE source = 'epoch'").to_pylist()[0]["n"]
        == 9
    )


def test_fake_refuses_what_the_real_server_refuses():
    import httpx

    with serve() as (endpoint, _):
        assert httpx.get(f"{endpoint}/nope.csv").status_code == 404
        assert (
            httpx.get(endpoint.rsplit("/data", 1)[0] + "/notable_ai_models.csv").status_code == 404
        )
        assert httpx.post(f"{endpoint}/notable_ai_models.csv").status_code == 405
        r = httpx.get(f"{endpoint}/notable_ai_models.csv")
        assert r.headers["content-type"].startswith("text/csv")
        assert r.text.splitlines()[0].split(",")[0] == HEADER[0]
