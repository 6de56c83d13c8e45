"""One Debian chromium per test session, driven by Playwright (never `playwright install`)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--headless",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def chromium_path() -> str | None:
    """Debian's chromium, if installed (scripts/system-deps.sh installs it)."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """The session's headless chromium."""
    sync_api = pytest.importorskip("playwright.sync_api")
    exe = chromium_path()
    if exe is None:
        pytest.fail("Debian's chromium is not installed: run scripts/system-deps.sh")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where screenshots are kept (gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report built from the sample registry (with hostile names), once per session."""
    from openrace.report import build_report
    from tests.report.report_sample import sample_store

    out = tmp_path_factory.mktemp("report")
    store = sample_store()
    try:
        build_report(store, out)
    finally:
        store.close()
    return out


class PageWatch:
    """A page that records console errors, dialogs and every non-file request."""

    def __init__(self, page: Any):
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.network: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("dialog", self._dialog)
        page.route("**/*", self._route)

    def _console(self, msg: Any) -> None:
        if msg.type in ("error", "warning") and msg.type == "error":
            self.errors.append(f"console: {msg.text}")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(("file://", "data:", "blob:", "about:")):
            route.continue_()
        else:
            self.network.append(url)
            route.abort()

    def open(self, url: str) -> None:
        """Load ``url`` and wait until every chart is drawn."""
        self.page.goto(url)
        self.page.wait_for_function("document.documentElement.dataset.ready === '1'",
                                    timeout=60_000)


@pytest.fixture
def watched(browser: Any) -> Iterator[PageWatch]:
    """A fresh page (1280x900) in its own context, watched."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield PageWatch(page)
    context.close()
