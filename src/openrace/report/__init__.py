"""The HTML report: sections over the metrics catalogue, rendered into one offline page.

>>> from openrace.report import build_report  # build_report(store, out_dir, png=False)
"""

from openrace.report.builder import BuildResult, Report, assemble, build_report, write_report

__all__ = ["BuildResult", "Report", "assemble", "build_report", "write_report"]
