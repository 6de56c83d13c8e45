"""Plumbing shared by the local fake API servers (Hub, OpenAlex, GitHub, Epoch, benchmark
results): a quiet HTTP/1.1 handler that answers with bytes or JSON and the given headers,
and the loopback server that runs a handler in a background thread."""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


class JsonHandler(BaseHTTPRequestHandler):
    """Base request handler of the fake servers."""

    protocol_version = "HTTP/1.1"
    content_type = "application/json"

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(obj).encode(), headers)


class QuietDisconnectServer(ThreadingHTTPServer):
    """A threading HTTP server that does not print a client hanging up as an error: a real
    client may close the connection without reading a refused answer's body (an httpx
    stream does); any other error in a handler is still reported."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):  # reset, broken pipe, aborted
            return
        super().handle_error(request, client_address)


class LoopbackServer:
    """Serve ``handler`` on 127.0.0.1 in a background thread (a context manager); ``url`` is
    its base URL. Subclasses keep their fake's state beside it."""

    #: the server class (a subclass may quiet its error reports)
    server_class: type[ThreadingHTTPServer] = QuietDisconnectServer

    def __init__(self, handler: type[BaseHTTPRequestHandler], port: int = 0):
        self.httpd = self.server_class(("127.0.0.1", port), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        """The server's base URL."""
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
