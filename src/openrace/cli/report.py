"""Report commands: ``openrace report``, ``openrace chart``, ``openrace serve``."""

from __future__ import annotations

import tempfile
from pathlib import Path

import typer

from openrace.api import open_reader
from openrace.cli.common import StoreOption, err_console, out_console, store_path
from openrace.cli.root import app
from openrace.errors import UsageError

CHART_FORMATS = ("svg", "png", "json", "csv")


@app.command("report")
def report(
    out: Path = typer.Option(Path("report"), "--out", "-o",
                             help="Directory to write index.html, data/*.csv and figures/ to."),
    png: bool = typer.Option(False, "--png", help="Also write every chart as a PNG image "
                             "(publication size) under figures/."),
    svg: bool = typer.Option(False, "--svg", help="Also write every chart as an SVG image "
                             "under figures/."),
    store: Path = StoreOption,
) -> None:
    """Build the HTML report (one self-contained file that opens offline) and the CSV
    behind every chart, from the bundled registry and whatever the store holds."""
    from openrace.report import build_report

    _check_out_dir(out)
    with open_reader(store_path(store), missing="create") as s:
        result = build_report(s, out, png=png, svg=svg)
    out_console.print(f"report written to {result.index}")
    out_console.print(
        f"{len(result.charts)} chart(s), {len(result.csvs)} CSV file(s)"
        + (f", {len(result.images)} image(s)" if result.images else ""),
        style="dim",
    )
    if result.empty_sections:
        from openrace.report.sections import SECTION_COMMANDS

        commands = sorted({SECTION_COMMANDS[n] for n in result.empty_sections
                           if n in SECTION_COMMANDS})
        out_console.print(
            "no data yet for: " + ", ".join(result.empty_sections)
            + (f" (run {' / '.join(f'`{c}`' for c in commands)})" if commands else ""),
            style="dim", markup=False,
        )


def _check_out_dir(out: Path) -> None:
    """Refuse a report directory that is a file, or under a folder that does not exist."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file; name a directory for the report")
    if not out.exists() and not out.parent.is_dir():
        raise UsageError(f"no folder {out.parent} for the report directory {out.name}; "
                         "create it first")


@app.command("chart")
def chart(
    name: str = typer.Argument(None, help="Chart name, e.g. releases-by-quarter (omit to list "
                               "the charts)."),
    out: Path = typer.Option(None, "--out", "-o", help="Output file (default: NAME.FORMAT in "
                             "the current directory)."),
    fmt: str = typer.Option(None, "--format", "-f", help="svg, png, json (Vega-Lite spec with "
                            "its data) or csv; default: from --out's suffix, else svg."),
    store: Path = StoreOption,
) -> None:
    """Render one chart of the report as an image (or its spec / data), or list the charts."""
    from openrace.report import assemble
    from openrace.report.exports import render_image, rows_of, write_csv

    if fmt is None:
        fmt = out.suffix.lstrip(".").lower() if out is not None and out.suffix else "svg"
    if fmt not in CHART_FORMATS:
        raise UsageError(f"--format must be one of {', '.join(CHART_FORMATS)}, not {fmt!r}")
    with open_reader(store_path(store), missing="registry") as s:
        rep = assemble(s)
        if name is None:
            for c in rep.charts():
                out_console.print(f"{c.name}\t{c.title}", markup=False)
            return
        c = rep.chart(name)
        target = out or Path(f"{c.name}.{fmt}")
        if not target.parent.is_dir():
            raise UsageError(f"no folder {target.parent} for {target.name}; create it first")
        if fmt == "csv":
            write_csv(c.data, target)
        else:
            target.write_bytes(render_image(c.spec, rows_of(c.data), fmt))
    out_console.print(f"chart {name} written to {target}", markup=False)


@app.command("serve")
def serve(
    port: int = typer.Option(8000, "--port", "-p", min=0, max=65535,
                             help="Port on 127.0.0.1 (0 picks a free one)."),
    out: Path = typer.Option(None, "--out", "-o", help="Report directory to build and serve "
                             "(default: a temporary directory)."),
    build: bool = typer.Option(True, "--build/--no-build", help="Build the report first "
                               "(--no-build serves an existing --out directory)."),
    store: Path = StoreOption,
) -> None:
    """Serve the report and a read-only JSON endpoint per metric (/api/metrics/NAME) on
    127.0.0.1 until interrupted."""
    from openrace.report import build_report
    from openrace.report.serve import ReportServer
    from openrace.report.serve import serve as run

    path = store_path(store)
    tmp = None
    if out is None:
        if not build:
            raise UsageError("--no-build needs --out DIR (an existing report directory)")
        tmp = tempfile.TemporaryDirectory(prefix="openrace-report-")
        out = Path(tmp.name)
    if build and tmp is None:
        _check_out_dir(out)
    try:
        if build:
            with open_reader(path, missing="create") as s:
                build_report(s, out)
        elif not (out / "index.html").is_file():
            raise UsageError(f"no report in {out}; run `openrace report --out {out}` first")

        def ready(server: ReportServer) -> None:
            err_console.print(f"serving the report at {server.url} (Ctrl+C to stop)",
                              markup=False)

        try:
            run(out, path, port=port, on_ready=ready)
        except KeyboardInterrupt:
            err_console.print("stopped", markup=False)
    finally:
        if tmp is not None:
            tmp.cleanup()
