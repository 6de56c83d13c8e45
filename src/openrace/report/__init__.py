"""The HTML report: sections over the metrics catalogue, rendered into one offline page.

>>> from openrace.report import build_report  # build_report(store, out_dir, png=False)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openrace.report.builder import BuildResult, Report, assemble, build_report, write_report

__all__ = ["BuildResult", "Report", "assemble", "build_report", "write_report"]


def __getattr__(name: str) -> Any:
    # the builder loads the chart libraries: `openrace.report.formatting`, which every
    # command's output uses, must not pull them in
    if name in __all__:
        from openrace.report import builder

        return getattr(builder, name)
    raise AttributeError(f"module 'openrace.report' has no attribute {name!r}")
