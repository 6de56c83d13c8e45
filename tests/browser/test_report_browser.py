"""The report in a real browser: Debian's chromium driven by Playwright."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from tests.report.report_sample import HOSTILE_MODEL, HOSTILE_ORG

pytestmark = pytest.mark.browser

MARKS_JS = """
(name) => document.querySelectorAll(`#vis-${name} svg g.role-mark > *`).length
"""
ROWS_JS = "(name) => window.openrace.views[name].data('table').length"


def _charts(page: Any) -> list[str]:
    return page.evaluate("window.openrace.charts.map(c => c.name)")


def test_loads_offline_without_errors_or_network(watched: Any, sample_report: Path,
                                                 artifacts_dir: Path) -> None:
    watched.open((sample_report / "index.html").as_uri())
    assert watched.errors == []
    assert watched.network == []
    assert watched.dialogs == []
    page = watched.page
    assert page.title() == "The open-AI race"
    # the summary: four headline numbers and the claims
    assert page.locator(".headline").count() == 4
    page.screenshot(path=str(artifacts_dir / "report-top.png"))
    page.locator("#summary").screenshot(path=str(artifacts_dir / "report-summary.png"))
    assert (artifacts_dir / "report-summary.png").stat().st_size > 10_000


def test_every_chart_draws_its_marks(watched: Any, sample_report: Path) -> None:
    watched.open((sample_report / "index.html").as_uri())
    names = _charts(watched.page)
    assert len(names) >= 4
    for name in names:
        marks = watched.page.evaluate(MARKS_JS, name)
        assert marks > 0, f"chart {name} drew nothing"
        # a text alternative for every chart
        label = watched.page.get_attribute(f"#vis-{name}", "aria-label")
        assert label and len(label) > 20


def test_country_selector_refilters_charts_and_tables(watched: Any,
                                                      sample_report: Path) -> None:
    page = watched.page
    watched.open((sample_report / "index.html").as_uri())
    before_rows = page.evaluate(ROWS_JS, "releases-by-quarter")
    before_marks = page.evaluate(MARKS_JS, "releases-by-quarter")
    page.select_option("#sel-country", "FR")
    page.wait_for_function(
        f"window.openrace.views['releases-by-quarter'].data('table').length < {before_rows}")
    rows = page.evaluate(
        "window.openrace.views['releases-by-quarter'].data('table').map(r => r.country)")
    assert rows and set(rows) == {"FR"}
    assert page.evaluate(MARKS_JS, "releases-by-quarter") < before_marks
    visible = page.evaluate(
        "Array.from(document.querySelectorAll('#tbl-releases-table tbody tr'))"
        ".filter(tr => !tr.hidden).map(tr => tr.dataset.country)")
    assert visible and set(visible) == {"FR"}
    assert "France" in page.text_content("#filter-status")
    # the panels keep their order (open above closed) after the data is replaced
    tops = page.evaluate(
        "Object.fromEntries(Array.from(document.querySelectorAll("
        "'#vis-releases-by-quarter svg text')).filter(t => ['open', 'closed'].includes("
        "t.textContent)).map(t => [t.textContent, t.getBoundingClientRect().top]))")
    assert tops["open"] < tops["closed"]
    page.click("#sel-reset")
    page.wait_for_function(
        f"window.openrace.views['releases-by-quarter'].data('table').length === {before_rows}")


def test_period_selector_refilters_charts(watched: Any, sample_report: Path) -> None:
    page = watched.page
    watched.open((sample_report / "index.html").as_uri())
    page.select_option("#sel-from", "2025")
    page.wait_for_function(
        "window.openrace.views['open-share-by-year'].data('table')"
        ".every(r => r.period >= '2025')")
    periods = page.evaluate(
        "window.openrace.views['releases-by-quarter'].data('table').map(r => r.period)")
    assert periods and all(p.startswith("2025") for p in periods)
    # every chart with a period column is filtered the same way
    for chart in page.evaluate("window.openrace.charts.filter(c => c.period_field)"):
        shown = page.evaluate(
            f"window.openrace.views[{chart['name']!r}].data('table')"
            f".map(r => String(r[{chart['period_field']!r}]))")
        assert all(p[:4] >= "2025" for p in shown if p[:4].isdigit()), chart["name"]
    # a selection with no rows says so in words
    page.select_option("#sel-country", "GB")
    page.wait_for_function(
        "!document.querySelector('#fig-releases-by-quarter .nodata').hidden")
    assert watched.errors == []


def test_tables_sort(watched: Any, sample_report: Path) -> None:
    page = watched.page
    watched.open((sample_report / "index.html").as_uri())
    table = "#tbl-organisations-table table"
    col = page.locator(f"{table} th button", has_text="Total")
    col.click()
    col.click()  # descending
    values = page.evaluate(
        f"Array.from(document.querySelectorAll('{table} tbody tr'))"
        ".map(tr => Number(tr.cells[5].dataset.sort))")
    assert values == sorted(values, reverse=True)
    assert page.get_attribute(f"{table} th:nth-child(6)", "aria-sort") == "descending"
    page.locator(f"{table} th button", has_text="Organisation").click()
    names = page.evaluate(
        f"Array.from(document.querySelectorAll('{table} tbody tr')).map(tr => tr.cells[0]"
        ".textContent.toLowerCase())")
    assert names == sorted(names)


def test_hostile_names_stay_inert(watched: Any, sample_report: Path) -> None:
    page = watched.page
    watched.open((sample_report / "index.html").as_uri())
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.wait_for_timeout(200)
    assert watched.dialogs == []
    assert watched.errors == []
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    body = page.inner_text("body")
    assert HOSTILE_ORG in body  # rendered as text
    # the model's row is beyond the rows shown; its text is in the table all the same
    assert HOSTILE_MODEL in (page.text_content("#tbl-releases-table") or "")
    # chart labels hold the name as text too (SVG <text>, not markup)
    svg_text = page.text_content("#vis-leading-organisations")
    assert HOSTILE_ORG in (svg_text or "")
    # hovering each bar shows a tooltip with exact values; the hostile one stays text
    bars = page.locator("#vis-leading-organisations svg g.role-mark > path")
    tooltips = []
    for i in range(bars.count()):
        bars.nth(i).hover()
        page.wait_for_timeout(50)
        tooltips.append(page.evaluate(
            "(document.getElementById('vg-tooltip-element') || {}).innerHTML || ''"))
    assert any("&lt;img src=x onerror=alert(1)&gt;" in t for t in tooltips)
    assert all("Releases" in t for t in tooltips if t)
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert watched.dialogs == []


def test_served_over_loopback(watched: Any, sample_report: Path, tmp_path: Path) -> None:
    from openrace.report.serve import ReportServer
    from openrace.store import Store
    from tests.report.report_sample import sample_store

    db = tmp_path / "s.duckdb"
    sample_store(str(db)).close()
    srv = ReportServer(sample_report, lambda: Store(db, read_only=True), port=0)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        assert srv.url.startswith("http://127.0.0.1:")
        watched.page.unroute("**/*")
        blocked: list[str] = []

        def only_loopback(route: Any) -> None:
            if route.request.url.startswith(srv.url):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        watched.page.route("**/*", only_loopback)
        watched.open(srv.url)
        assert watched.errors == [] and blocked == []
        assert watched.page.evaluate(MARKS_JS, "releases-by-quarter") > 0
        resp = watched.page.request.get(srv.url + "api/metrics/releases?by=country&period=year")
        assert resp.status == 200 and resp.json()["query"]["by"] == "country"
        missing = watched.page.request.get(srv.url + "no/such/page")
        assert missing.status == 404 and "error" in missing.json()
    finally:
        srv.shutdown()
        srv.server_close()
        t.join(timeout=5)


def test_empty_store_report_loads_and_says_no_data(watched: Any, tmp_path: Path) -> None:
    from openrace.report import build_report
    from openrace.store import Store

    with Store(":memory:") as s:
        build_report(s, tmp_path)
    watched.open((tmp_path / "index.html").as_uri())
    assert watched.errors == [] and watched.network == []
    assert watched.page.locator(".empty").count() >= 5
    assert "openrace update hf" in watched.page.inner_text("#adoption")
