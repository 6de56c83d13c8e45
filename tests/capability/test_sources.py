"""The two benchmark parsers and the file client against the fake server's real shapes."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from openrace.errors import RateLimitExhaustedError, SourceError, SourceUnreachableError
from openrace.sources import arena, epoch_benchmarks
from openrace.sources.benchmark_results import FileClient
from tests.capability.fakebench import (
    ARENA,
    ARENA_BAD,
    GPQA,
    GPQA_BAD,
    arena_parquet,
    epoch_zip,
)


def test_epoch_bundle_parsed() -> None:
    p = epoch_benchmarks.parse_archive(epoch_zip())
    by = {(r.benchmark, r.model): r for r in p.results}
    # one result per model version; the two effort variants of gpt-4o are two versions
    assert ("gpqa_diamond", "gpt-4o-2024-05-13_high") in by
    r = by[("gpqa_diamond", "DeepSeek-R1")]
    assert r.score == 0.72 and r.stderr == 0.03
    assert r.release_date == date(2025, 1, 20) and r.evaluated == date(2025, 1, 25)
    assert r.organization == "DeepSeek" and r.country == "China"
    # the external file in percent is read as fractions
    assert by[("mmlu_external", "DeepSeek-V3")].score == pytest.approx(0.885)
    # the ECI keeps its index scale, with the source's accessibility
    eci = by[("eci", "Llama 3.1-405B")]
    assert eci.score == 127.0 and eci.scale == "index"
    assert eci.access == "Open weights (restricted use)"
    assert len([r for r in p.results if r.benchmark == "gpqa_diamond"]) == len(GPQA)


def test_epoch_malformed_rows_rejected_and_files_skipped() -> None:
    p = epoch_benchmarks.parse_archive(epoch_zip())
    reasons = sorted(r.reason for r in p.rejected)
    assert len(p.rejected) == len(GPQA_BAD) + 1
    assert any("not a number" in x for x in reasons)
    assert any("no model name" in x for x in reasons)
    assert any("not a date" in x for x in reasons)
    assert any("more cells" in x for x in reasons)
    # metadata files are not results; files of times / ranks are skipped and named
    assert "metr_time_horizons_external.csv" in p.skipped
    assert "frontierswe_external.csv" in p.skipped
    assert not any("metadata" in k for k in p.skipped)
    assert p.rows_read >= len(GPQA) + len(GPQA_BAD) + 1


def test_epoch_best_run_kept_evaluated_at_first_run() -> None:
    header = "Model version,mean_score,Started at\n"
    body = "m1,0.5,2024-05-01T00:00:00Z\nm1,0.6,2024-06-01T00:00:00Z\n"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("some_bench.csv", header + body)
    (r,) = epoch_benchmarks.parse_archive(buf.getvalue()).results
    assert r.score == 0.6 and r.evaluated == date(2024, 5, 1)


def test_epoch_not_a_zip_or_no_benchmarks() -> None:
    with pytest.raises(SourceError, match="not a zip"):
        epoch_benchmarks.parse_archive(b"<html>Page not found</html>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("README.md", "nothing")
    with pytest.raises(SourceError, match="no benchmark file"):
        epoch_benchmarks.parse_archive(buf.getvalue())


def test_epoch_older_eci_layout() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "epoch_capabilities_index.csv",
            "Model version,ECI Score,Release date\nclaude-opus-4-8_max,160.5,2026-05-28\n",
        )
    (r,) = epoch_benchmarks.parse_archive(buf.getvalue()).results
    assert (r.benchmark, r.score, r.release_date) == ("eci", 160.5, date(2026, 5, 28))


def test_arena_history_latest_rating_first_date() -> None:
    p = arena.parse_leaderboard(arena_parquet())
    by = {r.model: r for r in p.results}
    gpt4 = by["gpt-4-0613"]
    assert gpt4.score == 1165.0  # the latest leaderboard's rating
    assert gpt4.evaluated == date(2023, 7, 1)  # the first leaderboard that listed it
    assert gpt4.benchmark == "arena-text" and gpt4.scale == "elo"
    assert by["deepseek-r1"].score == 1360.0  # the overall category only
    assert len(p.rejected) == len(ARENA_BAD)
    assert {r.model for r in p.results} == {r[0] for r in ARENA}


def test_arena_category_and_json_rows() -> None:
    p = arena.parse_leaderboard(arena_parquet(), category="coding")
    assert [(r.benchmark, r.model, r.score) for r in p.results] == [
        ("arena-text-coding", "deepseek-r1", 1400.0)
    ]
    body = (
        b'{"rows": [{"row_idx": 0, "row": {"model_name": "m", "rating": 1300.5, '
        b'"category": "overall", "leaderboard_publish_date": "2025-01-02"}}]}'
    )
    (r,) = arena.parse_leaderboard(body).results
    assert (r.model, r.score, r.evaluated) == ("m", 1300.5, date(2025, 1, 2))


def test_arena_refuses_what_is_not_a_leaderboard() -> None:
    with pytest.raises(SourceError, match="neither Parquet nor JSON"):
        arena.parse_leaderboard(b"<html></html>")
    with pytest.raises(SourceError, match="no model_name"):
        arena.parse_leaderboard(b'{"rows": [{"row": {"x": 1}}]}')


def test_arena_access_of_licence() -> None:
    assert arena.access_of("Proprietary") == "api"
    assert arena.access_of("MIT") == "open-weights"
    assert arena.access_of("Other") is None and arena.access_of(None) is None


def test_file_client_follows_the_hub_redirect(server, client: FileClient) -> None:  # type: ignore[no-untyped-def]
    data, _ = client.get(arena.file_url(server.url))
    assert data[:4] == b"PAR1"
    assert any(p.startswith("/cdn/") for p in server.bench.requests)


def test_file_client_retries_then_succeeds(server, client: FileClient) -> None:  # type: ignore[no-untyped-def]
    server.bench.faults = [503, 429]
    data, _ = client.get(f"{server.url}/data/benchmark_data.zip")
    assert data[:2] == b"PK" and client.requests == 3


def test_file_client_gives_up(server, client: FileClient) -> None:  # type: ignore[no-untyped-def]
    server.bench.faults = [503] * 5
    with pytest.raises(SourceError, match="kept failing"):
        client.get(f"{server.url}/data/benchmark_data.zip")
    server.bench.faults = [429] * 5
    with pytest.raises(RateLimitExhaustedError):
        client.get(f"{server.url}/data/benchmark_data.zip")


def test_file_client_refusals_are_one_clear_error(server, client: FileClient) -> None:  # type: ignore[no-untyped-def]
    # epoch.ai answers a wrong data path with a 404 page: refused, not parsed
    with pytest.raises(SourceError, match="HTTP 404"):
        client.get(f"{server.url}/data/ai-models.csv")
    # the Hub answers an unknown file of the dataset with 404 Entry not found
    with pytest.raises(SourceError, match="HTTP 404"):
        client.get(arena.file_url(server.url, "nosuchconfig"))
    with pytest.raises(SourceUnreachableError):
        client.get("http://127.0.0.1:9/data/benchmark_data.zip")
    with pytest.raises(SourceError, match="http"):
        client.get("ftp://example.org/x")


def test_file_client_retries_zero_is_one_try(server) -> None:  # type: ignore[no-untyped-def]
    # --retries N means N retries after the first try in every source (0: one try)
    server.bench.faults = [503]
    with FileClient("benchmark data", retries=0, sleep=lambda s: None) as c, pytest.raises(
        SourceError, match="kept failing"
    ):
        c.get(f"{server.url}/data/benchmark_data.zip")
    assert c.requests == 1
