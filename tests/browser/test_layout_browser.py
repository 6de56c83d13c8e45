"""Report layout in chromium: long ids wrap between their parts, wide tables scroll in
their own box (never the page), and a dominant "Unattributed" is set aside in the
download-share chart with its share written above the bars."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.report.test_layout import HUGE, add_dominant_unattributed

pytestmark = pytest.mark.browser

# the characters after which a cell's text moved to a new line
BREAKS_JS = """
(td) => {
  const chars = [];
  const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    for (let i = 0; i < n.length; i++) {
      const r = document.createRange();
      r.setStart(n, i); r.setEnd(n, i + 1);
      const rect = r.getClientRects()[0];
      if (rect) chars.push([n.data[i], rect.top]);
    }
  }
  const breaks = [];
  for (let i = 1; i < chars.length; i++) {
    if (chars[i][1] > chars[i - 1][1] + 2) breaks.push(chars[i - 1][0]);
  }
  return breaks;
}
"""


@pytest.fixture(scope="module")
def layout_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample report with an unattributed model drawing most of the downloads."""
    from openrace.report import build_report
    from tests.report.report_sample import sample_store

    out = tmp_path_factory.mktemp("layout")
    store = sample_store()
    try:
        add_dominant_unattributed(store)
        build_report(store, out)
    finally:
        store.close()
    return out


def test_long_ids_wrap_between_parts(watched: Any, layout_report: Path) -> None:
    page = watched.page
    watched.open((layout_report / "index.html").as_uri())
    cell = page.locator("#tbl-adoption-top-models td", has_text=HUGE.split("/")[1]).first
    assert cell.inner_text() == HUGE  # <wbr> adds no text (copy, search, sort unchanged)
    cell.evaluate("td => { td.style.width = '90px'; td.style.maxWidth = '90px'; }")
    breaks = cell.evaluate(BREAKS_JS)
    assert breaks, "the id did not wrap in a 90-px column"
    assert set(breaks) <= {"/", "-", "_"}, breaks
    assert watched.errors == []


def test_wide_tables_scroll_in_their_box(browser: Any, layout_report: Path) -> None:
    from tests.browser.conftest import PageWatch

    context = browser.new_context(viewport={"width": 720, "height": 900})
    try:
        watched = PageWatch(context.new_page())
        watched.open((layout_report / "index.html").as_uri())
        page = watched.page
        # the page itself never scrolls sideways ...
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        # ... a table wider than the column scrolls in its own box, reachable by keyboard
        wide = page.evaluate(
            "Array.from(document.querySelectorAll('.table-scroll'))"
            ".filter(b => b.scrollWidth > b.clientWidth + 1)"
            ".map(b => [getComputedStyle(b).overflowX, b.tabIndex, b.getAttribute('role')])"
        )
        assert wide, "no table was wider than a 720-px page"
        assert all(w == ["auto", 0, "region"] for w in wide)
        assert watched.errors == []
    finally:
        context.close()


def test_dominant_unattributed_is_set_aside(
    watched: Any, layout_report: Path, sample_report: Path
) -> None:
    page = watched.page
    watched.open((layout_report / "index.html").as_uri())
    vis = "#vis-adoption-download-share"
    notes = page.evaluate(
        f"Array.from(document.querySelectorAll('{vis} g.role-mark text')).map(t => t.textContent)"
    )
    assert len(notes) == 4 and all(n.startswith("Unattributed: ") for n in notes), notes
    assert all(int(n.removeprefix("Unattributed: ").rstrip("%")) > 50 for n in notes)
    legend = page.evaluate(
        f"Array.from(document.querySelectorAll('{vis} g.role-legend text')).map(t => t.textContent)"
    )
    assert "Unattributed" not in legend and "China" in legend
    assert watched.errors == []
    # without a dominant unattributed share the chart is the plain stacked bars
    watched.open((sample_report / "index.html").as_uri())
    assert page.evaluate(f"document.querySelectorAll('{vis} g.role-mark text').length") == 0
