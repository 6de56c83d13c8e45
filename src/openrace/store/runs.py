"""Harvest runs: resume-or-start, and closing a run with one status vocabulary.

>>> from openrace.store import Store
>>> s = Store(":memory:")
>>> with s.run("demo", "all", {"page_size": 10}) as run:
...     run.checkpoint(cursor="p2", read=10, stored=10)
>>> s.dicts("SELECT status, cursor, n_stored FROM harvest_runs")
[{'status': 'ok', 'cursor': 'p2', 'n_stored': 10}]
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import duckdb

from openrace.errors import StoreError
from openrace.store.vocabulary import FAILED, INTERRUPTED, OK, RUNNING

if TYPE_CHECKING:
    from openrace.store import Store

#: what a run superseded by one with other parameters is closed with
SUPERSEDED = "superseded by a run with other parameters"


@dataclass
class Run:
    """An open harvest run (see :meth:`openrace.store.Store.run`)."""

    store: Store
    run_id: int
    #: True when an unfinished run with the same parameters was resumed
    resumed: bool = False
    #: the resumed run's row (``cursor``, ``watermark``, counters), else None
    previous: dict[str, Any] | None = None
    #: message the run is closed ``ok`` with
    message: str | None = None
    #: watermark written when the run closes ``ok``
    watermark: str | None = None
    closed: bool = field(default=False, init=False)

    @property
    def cursor(self) -> str | None:
        """The resumed run's cursor (None for a new run)."""
        return None if self.previous is None else self.previous.get("cursor")

    def checkpoint(self, **kwargs: Any) -> None:
        """Advance the run's cursor and counters (:meth:`Store.checkpoint`)."""
        self.store.checkpoint(self.run_id, **kwargs)

    def stop(self, status: str, message: str | None = None) -> None:
        """Close the run now with ``status`` (e.g. ``interrupted``: page limit reached)."""
        self.store.finish_run(self.run_id, status, message)
        self.closed = True


@contextmanager
def run(
    store: Store,
    source: str,
    scope: str,
    params: Mapping[str, Any] | None = None,
    *,
    resume: bool | Callable[[dict[str, Any]], bool] = True,
    superseded: str = SUPERSEDED,
    interrupted: str = "interrupted",
) -> Iterator[Run]:
    """Resume the unfinished run of ``source``/``scope`` when its parameters equal
    ``params`` (and ``resume``, if a function, accepts its row), else close it as
    superseded and start a new one; yield it, then close it: ``ok`` when the block ends,
    ``interrupted`` on Ctrl-C, ``failed`` with the error on an exception (both
    resumable). The block may close the run itself with :meth:`Run.stop`."""
    wanted = dict(params or {})
    prev = store.resumable_run(source, scope)
    same = prev is not None and json.loads(prev["params"] or "{}") == wanted
    if same and prev is not None and resume and (not callable(resume) or resume(prev)):
        store.reopen_run(int(prev["run_id"]))
        r = Run(store, int(prev["run_id"]), resumed=True, previous=prev)
    else:
        if prev is not None:
            store.finish_run(int(prev["run_id"]), INTERRUPTED, superseded)
        r = Run(store, store.start_run(source, scope, wanted))
    try:
        yield r
    except KeyboardInterrupt:
        _close(r, INTERRUPTED, interrupted)
        raise
    except Exception as exc:  # OpenraceError and any other: the run stays resumable
        _close(r, FAILED, str(exc)[:500])
        raise
    if not r.closed:
        store.finish_run(r.run_id, OK, r.message, watermark=r.watermark)
        r.closed = True


def _close(r: Run, status: str, message: str) -> None:
    if r.closed:
        return
    # a lost connection cannot record the outcome: the run stays resumable as it is
    with suppress(duckdb.Error, StoreError):
        r.store.finish_run(r.run_id, status, message)
    r.closed = True


__all__ = ["RUNNING", "SUPERSEDED", "Run", "run"]
