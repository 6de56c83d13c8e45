"""The report is generated and parsed: every chart and CSV present, numbers equal to a
direct query of the store, hostile names escaped, empty sections say so."""

from __future__ import annotations

import csv
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openrace.report import assemble, build_report
from openrace.report.builder import prose, script_json
from openrace.report.sections import SECTION_ORDER, Chart, Section, build_sections, no_data
from openrace.store import Store
from tests.report.report_sample import HOSTILE_MODEL, HOSTILE_ORG, sample_store


class _Page(HTMLParser):
    """Collects ids, links, scripts and figures of the report page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.all_ids: list[str] = []
        self.hrefs: list[str] = []
        self.script_srcs: list[str] = []
        self.figures: list[str] = []
        self.sections: list[str] = []
        self.imgs = 0
        self._in_script = False
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if "id" in a:
            self.all_ids.append(a["id"] or "")
            self.ids.add(a["id"] or "")
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"] or "")
        if tag == "script":
            self._in_script = True
            self.scripts.append("")
            if a.get("src"):
                self.script_srcs.append(a["src"] or "")
        if tag == "figure":
            self.figures.append(a.get("data-chart") or "")
        if tag == "section":
            self.sections.append(a.get("id") or "")
        if tag == "img":
            self.imgs += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def _parse(path: Path) -> tuple[str, _Page]:
    html = path.read_text("utf-8")
    page = _Page()
    page.feed(html)
    return html, page


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_chart_has_its_figure_csv_and_images(built: tuple[Store, object]) -> None:
    _, result = built
    _html, page = _parse(result.index)
    assert result.charts, "the sample store must give charts"
    assert page.figures == result.charts
    out = result.index.parent
    for name in result.charts:
        assert f"data/{name}.csv" in page.hrefs
        assert (out / "data" / f"{name}.csv").is_file()
        png = (out / "figures" / f"{name}.png").read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        svg = (out / "figures" / f"{name}.svg").read_text("utf-8")
        assert svg.lstrip().startswith("<svg") and "</svg>" in svg
        assert f"figures/{name}.png" in page.hrefs


def test_page_is_self_contained(built: tuple[Store, object]) -> None:
    _, result = built
    html, page = _parse(result.index)
    assert page.script_srcs == []  # everything inlined
    assert not re.search(r"<(?:link|img|iframe)[^>]+(?:src|href)=\"https?:", html)
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html
    assert any("vegaEmbed" in s for s in page.scripts)  # the bundle is inlined
    payload = json.loads(next(s for s in page.scripts if s.startswith('{"charts"')))
    assert [c["name"] for c in payload["charts"]] == result.charts
    assert len(page.all_ids) == len(page.ids)  # no id twice
    for href in page.hrefs:  # every in-page link lands somewhere
        if href.startswith("#"):
            assert href[1:] in page.ids, href
    # table of contents: every section and the summary, linked
    assert page.sections == ["summary", *SECTION_ORDER]
    for sid in page.sections:
        assert f"#{sid}" in page.hrefs


def test_release_csv_equals_a_direct_query(built: tuple[Store, object]) -> None:
    store, result = built
    rows = _csv(result.index.parent / "data" / "releases-by-quarter.csv")
    got = {(r["period"], r["country"], r["access"]): float(r["value"]) for r in rows}
    direct = store.dicts(
        """
        SELECT strftime(a.created, '%Y') || 'Q' || quarter(a.created) AS period,
               o.owner_country AS country,
               CASE WHEN a.access = 'open-weights' THEN 'open' ELSE 'closed' END AS access,
               count(DISTINCT a.artifact_id) AS n
        FROM artifacts a
        JOIN attributions t ON t.artifact_id = a.artifact_id AND t.method = 'registry'
        JOIN organizations o ON o.id = t.org_id
        WHERE a.kind = 'release'
        GROUP BY ALL
        """
    )
    want = {(r["period"], r["country"], r["access"]): float(r["n"]) for r in direct}
    assert got == want
    # the Canadian lab owned from the US counts for the US (owner country rule)
    assert ("2024Q1", "US", "open") in got and ("2024Q1", "CA", "open") not in got


def test_open_share_csv_equals_a_direct_query(built: tuple[Store, object]) -> None:
    store, result = built
    rows = _csv(result.index.parent / "data" / "open-share-by-year.csv")
    got = {(r["period"], r["country"]): float(r["value"]) for r in rows}
    direct = store.dicts(
        """
        WITH r AS (
            SELECT DISTINCT a.artifact_id, a.created, a.access, o.owner_country AS country
            FROM artifacts a
            JOIN attributions t ON t.artifact_id = a.artifact_id AND t.method = 'registry'
            JOIN organizations o ON o.id = t.org_id
            WHERE a.kind = 'release')
        SELECT strftime(created, '%Y') AS period, country,
               avg(CASE WHEN access = 'open-weights' THEN 1.0 ELSE 0.0 END) AS share
        FROM r GROUP BY ALL
        """
    )
    want = {(r["period"], r["country"]): r["share"] for r in direct}
    assert got.keys() <= want.keys() and got
    for k, v in got.items():
        assert v == pytest.approx(want[k])


def test_hostile_names_are_escaped(built: tuple[Store, object]) -> None:
    _, result = built
    html, page = _parse(result.index)
    assert HOSTILE_ORG not in html
    assert HOSTILE_MODEL not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # shown, as text
    assert page.imgs == 0
    # the JSON block cannot be closed by a name: no '<' at all inside it
    payload = next(s for s in page.scripts if s.startswith('{"charts"'))
    assert "<" not in payload
    assert HOSTILE_ORG in json.dumps(json.loads(payload), ensure_ascii=False)
    # the CSV keeps the exact name
    orgs = _csv(result.index.parent / "data" / "organisations-table.csv")
    assert HOSTILE_ORG in {r["organisation"] for r in orgs}


def test_sections_without_data_say_so(built: tuple[Store, object]) -> None:
    _, result = built
    html, _ = _parse(result.index)
    for sid in ("adoption", "diffusion", "research"):
        body = html.split(f'<section id="{sid}"', 1)[1].split("</section>", 1)[0]
        if sid in result.empty_sections:
            assert "No data yet." in body
            assert "openrace update" in body


def test_empty_store_gives_empty_states_not_numbers(tmp_path: Path) -> None:
    with Store(":memory:") as s:
        result = build_report(s, tmp_path)
    assert result.charts == []
    html = result.index.read_text("utf-8")
    for sid in ("releases", "openness", "adoption", "diffusion", "research"):
        assert sid in result.empty_sections
    assert html.count("No data yet.") >= 5


def test_missing_section_module_is_an_import_error(sample: Store) -> None:
    # issue 12: a section a spec names but nobody wrote is an error, not an empty section
    from openrace.report.context import ReportContext

    with pytest.raises(ImportError):
        build_sections(ReportContext(store=sample), ["no-such-section"])


def test_chart_and_section_contract() -> None:
    import pyarrow as pa

    with pytest.raises(ValueError):
        Chart(name="Bad Name", title="t", spec={}, data=pa.table({"a": [1]}), definition="d",
              coverage="c", alt_text="a")
    c = Chart(name="ok-name", title="t", spec={}, data=[{"a": 1}], definition="d",
              coverage="c", alt_text="a")
    assert isinstance(c.data, pa.Table)
    s = no_data("adoption", "Adoption", "openrace update hf")
    assert isinstance(s, Section) and "openrace update hf" in s.empty.message


def test_chart_names_are_unique(sample: Store) -> None:
    rep = assemble(sample)
    names = [c.name for c in rep.charts()] + [t.name for t in rep.tables()]
    assert len(names) == len(set(names))
    assert rep.chart("releases-by-quarter").metric == "releases"


@given(st.text())
def test_script_json_never_breaks_out(text: str) -> None:
    out = script_json({"name": text, "nested": [text]})
    assert "<" not in out and ">" not in out
    assert "\u2028" not in out and "\u2029" not in out
    assert json.loads(out) == {"name": text, "nested": [text]}


def test_prose_escapes_then_marks_code() -> None:
    assert str(prose("run `openrace update hf` <b>")) == (
        "run <code>openrace update hf</code> &lt;b&gt;")
    assert "<img" not in str(prose(f"`{HOSTILE_ORG}`"))


def test_exported_svg_keeps_hostile_names_as_text(built: tuple[Store, object]) -> None:
    _, result = built
    svg = (result.index.parent / "figures" / "leading-organisations.svg").read_text("utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in svg
    assert "<img" not in svg and "<script" not in svg


def test_report_names_no_local_path(tmp_path: Path) -> None:
    db = tmp_path / "private-dir" / "store.duckdb"
    store = sample_store(str(db), hub=False)
    try:
        result = build_report(store, tmp_path / "out")
    finally:
        store.close()
    html = result.index.read_text("utf-8")
    assert "private-dir" not in html and str(tmp_path) not in html
    assert "store.duckdb" in html  # the store is named, not located


def _colour_ranges(spec: object) -> list[str]:
    found: list[str] = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "color" and isinstance(value, dict):
                rng = value.get("scale", {}).get("range")
                if isinstance(rng, list):
                    found += rng
            found += _colour_ranges(value)
    elif isinstance(spec, list):
        for item in spec:
            found += _colour_ranges(item)
    return found


def test_chart_colours_are_colour_blind_safe(sample: Store) -> None:
    from openrace.report.charts import GREY, OKABE_ITO, SPARE_COLOURS

    safe = {c.upper() for c in (*OKABE_ITO, *SPARE_COLOURS, GREY, "#DDDDDD")}
    rep = assemble(sample)
    for chart in rep.charts():
        for colour in _colour_ranges(chart.spec):
            assert colour.upper() in safe, (chart.name, colour)
