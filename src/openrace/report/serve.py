"""``openrace serve``: the built report and a read-only JSON endpoint per metric, on loopback.

Routes (GET and HEAD only):

``/`` and ``/index.html``
    the report page;
``/data/<name>.csv``, ``/figures/<name>.<png|svg>``
    the files behind the charts;
``/api/metrics``
    the catalogue: one entry per metric;
``/api/metrics/<name>?by=country&period=year&<option>=<value>``
    the metric evaluated on the store (opened read-only for each request, so a harvest in
    another process is never blocked for long);
anything else
    ``404`` with a JSON body naming the routes.

Each connection is served by its own thread with a socket timeout
(:data:`REQUEST_TIMEOUT`), so a client that sends half a request, or stops reading,
delays no other client and is dropped when the timeout passes; a client that hangs up
mid-answer is forgotten without a word on stderr.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import duckdb

from openrace.errors import OpenraceError, StoreBusyError, UsageError
from openrace.report.exports import rows_of
from openrace.store import Store

HOST = "127.0.0.1"
_FILE = re.compile(r"^/(data|figures)/([A-Za-z0-9][A-Za-z0-9_.-]*)\.(csv|png|svg)$")
_METRIC = re.compile(r"^/api/metrics/([A-Za-z0-9_.-]+)/?$")
_TYPES = {"csv": "text/csv; charset=utf-8", "png": "image/png", "svg": "image/svg+xml",
          "html": "text/html; charset=utf-8"}
ROUTES = ["/", "/data/<chart>.csv", "/figures/<chart>.<png|svg>", "/api/metrics",
          "/api/metrics/<name>?by=...&period=..."]

StoreFactory = Callable[[], Store]

#: Seconds a connection may stay silent (while sending its request or reading the answer)
#: before it is dropped.
REQUEST_TIMEOUT = 10.0


class ReportServer(ThreadingHTTPServer):
    """An HTTP server bound to loopback, serving one report directory and one store; one
    thread per connection, each with a socket timeout of ``request_timeout`` seconds."""

    daemon_threads = True  # an interrupted server does not wait for slow clients

    def __init__(self, report_dir: Path, open_store: StoreFactory, port: int = 0,
                 catalogue: Any = None, request_timeout: float = REQUEST_TIMEOUT):
        self.report_dir = Path(report_dir)
        self.open_store = open_store
        self.request_timeout = request_timeout
        if catalogue is None:
            from openrace.metrics.catalogue import load_catalogue

            catalogue = load_catalogue()
        self.catalogue = catalogue
        super().__init__((HOST, port), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up or timed out is nobody's error; anything else is one
        line on stderr, never a traceback."""
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            return
        print(f"error: serving {client_address[0]}:{client_address[1]}: "
              f"{type(exc).__name__}: {exc}", file=sys.stderr)

    @property
    def url(self) -> str:
        """The server's base URL."""
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"


class _Handler(BaseHTTPRequestHandler):
    server: ReportServer
    server_version = "openrace"
    sys_version = ""

    def setup(self) -> None:
        """Give the connection its socket timeout."""
        self.timeout = self.server.request_timeout
        super().setup()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: no access log on stderr."""

    # -- responses --------------------------------------------------------------------------

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, data: Any) -> None:
        body = json.dumps(data, ensure_ascii=False, indent=1, default=str).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8")

    def _error(self, status: HTTPStatus, message: str) -> None:
        self._json(status, {"error": message, "status": int(status), "routes": ROUTES})

    # -- methods ----------------------------------------------------------------------------

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        try:
            if path in ("/", "/index.html"):
                self._file(self.server.report_dir / "index.html", "html")
            elif m := _FILE.match(path):
                self._file(self.server.report_dir / m.group(1) / f"{m.group(2)}.{m.group(3)}",
                           m.group(3))
            elif path.rstrip("/") == "/api/metrics":
                self._json(HTTPStatus.OK, {"metrics": self.server.catalogue.describe()})
            elif m := _METRIC.match(path):
                self._metric(m.group(1), parse_qs(parts.query))
            else:
                self._error(HTTPStatus.NOT_FOUND, f"no such page: {path}")
        except StoreBusyError as exc:
            self._error(HTTPStatus.SERVICE_UNAVAILABLE, str(exc))
        except UsageError as exc:
            status = HTTPStatus.NOT_FOUND if "unknown metric" in str(exc) else \
                HTTPStatus.BAD_REQUEST
            self._error(status, str(exc))
        except OpenraceError as exc:
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, str(exc))
        except duckdb.Error as exc:
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR,
                        f"the store could not be read: {str(exc).strip().splitlines()[0]}")

    def _refuse(self) -> None:
        self._error(HTTPStatus.METHOD_NOT_ALLOWED, "read-only: only GET and HEAD are served")

    do_POST = do_PUT = do_DELETE = do_PATCH = _refuse

    def _file(self, path: Path, kind: str) -> None:
        root = self.server.report_dir.resolve()
        target = path.resolve()
        if root not in target.parents or not target.is_file():
            self._error(HTTPStatus.NOT_FOUND, f"no such file: {self.path}")
            return
        self._send(HTTPStatus.OK, target.read_bytes(), _TYPES[kind])

    def _metric(self, name: str, query: dict[str, list[str]]) -> None:
        cat = self.server.catalogue
        m = cat.get(name)  # UsageError (404) for unknown names
        params = {k: v[-1] for k, v in query.items()}
        by = params.pop("by", None)
        period = params.pop("period", None)
        q = m.query(by=by, period=period, **params)
        store = self.server.open_store()
        try:
            table = cat.evaluate(name, store, by=q.by, period=q.period, **dict(q.options))
        finally:
            store.close()
        self._json(HTTPStatus.OK, {
            "metric": m.describe(),
            "query": {"by": q.by, "period": q.period, "options": dict(q.options)},
            "columns": table.column_names,
            "rows": rows_of(table),
        })


def serve(report_dir: Path, store_path: Path, port: int = 8000,
          on_ready: Callable[[ReportServer], None] | None = None) -> None:
    """Serve ``report_dir`` and the metrics of the store at ``store_path`` until interrupted."""
    def open_store() -> Store:
        return Store(store_path, read_only=True)

    try:
        server = ReportServer(report_dir, open_store, port=port)
    except OSError as exc:
        raise UsageError(f"cannot listen on {HOST}:{port}: {exc.strerror or exc}") from None
    if on_ready is not None:
        on_ready(server)
    try:
        server.serve_forever()
    finally:
        server.server_close()
