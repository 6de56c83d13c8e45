"""The layout's rules (issue 12), checked on the source tree: the package root holds only
the public face; no SQL write outside the store package; one spec per source, whose
modules all exist; no "skip if not written yet" checks."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import openrace
from openrace.report.sections import SECTION_ORDER
from openrace.sources import SPECS

PACKAGE = Path(openrace.__file__).parent
PUBLIC_FACE = {"__init__.py", "__main__.py", "api.py", "config.py", "errors.py"}

#: SQL that writes: DML, DDL, COPY, CHECKPOINT, settings
WRITE_SQL = re.compile(
    r"\b(insert\s+(or\s+\w+\s+)?into|update\s+\w+\s+set|delete\s+from"
    r"|create\s+(or\s+replace\s+)?(temp\w*\s+)?(table|view|index|sequence|macro|schema)"
    r"|drop\s+(table|view|index|sequence|macro|schema)|alter\s+table|copy\s*\(.*\)\s*to"
    r"|^\s*checkpoint\s*$|^\s*set\s+\w+\s*(=|to\b)|^\s*reset\s+\w+\s*$)",
    re.IGNORECASE | re.DOTALL,
)


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    """Every string constant and f-string (its literal parts joined) in ``tree``."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(
                v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else " x "
                for v in node.values
            )
            out.append((node.lineno, text))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.append((node.lineno, node.value))
    return out


def test_package_root_holds_only_the_public_face() -> None:
    loose = {p.name for p in PACKAGE.glob("*.py")} - PUBLIC_FACE
    assert not loose, f"modules at the package root: {sorted(loose)}; put them in a layer"


def test_no_sql_write_outside_the_store_package() -> None:
    store = PACKAGE / "store"
    found = []
    for path in _sources():
        if store in path.parents:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(n.body[0].value)
            for n in ast.walk(tree)
            if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef)
            and n.body
            and isinstance(n.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if id(node) in docstrings:
                continue
            for line, text in (
                _strings(node) if isinstance(node, ast.Constant | ast.JoinedStr) else []
            ):
                if WRITE_SQL.search(text):
                    found.append(f"{path.relative_to(PACKAGE)}:{line}: {text.strip()[:60]}")
    assert not found, "SQL writes outside openrace.store:\n" + "\n".join(found)


def test_the_write_check_catches_writes() -> None:
    for sql in (
        "INSERT INTO attributions SELECT 1",
        "UPDATE harvest_runs SET status = 'ok'",
        "DELETE FROM organizations",
        "CREATE OR REPLACE TEMP TABLE t AS SELECT 1",
        "DROP TABLE IF EXISTS temp.t",
        "COPY (SELECT 1) TO 'x' (FORMAT csv)",
        "SET memory_limit = '1GB'",
        "CHECKPOINT",
    ):
        assert WRITE_SQL.search(sql), sql
    for sql in (
        "SELECT * FROM harvest_runs WHERE status = 'ok'",
        "set GITHUB_TOKEN if this needs authentication",
        "INSERT ... ON CONFLICT DO UPDATE SET x = excluded.x"[22:],
    ):
        assert not WRITE_SQL.search(sql), sql


def test_no_skip_if_not_written_yet() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in _sources()
        if "find_spec" in p.read_text(encoding="utf-8")
    ]
    assert not offenders, f"find_spec checks (a typo becomes an empty section): {offenders}"


def test_one_spec_per_source_and_its_modules_exist() -> None:
    names = [s.name for s in SPECS]
    assert len(names) == len(set(names))
    for spec in SPECS:
        for m in spec.metrics:
            importlib.import_module(f"openrace.metrics.{m}")
        for section in spec.sections:
            assert callable(importlib.import_module(f"openrace.report.sections.{section}").build)
        if spec.cli is not None:
            assert spec.cli == spec.name, "a source's CLI module carries its name"
            assert callable(importlib.import_module(f"openrace.cli.{spec.cli}").update)
        # the modules named for a source carry the source's one name
        for layer in ("sources", "harvest", "queries", "metrics", "cli"):
            for p in (PACKAGE / layer).glob("*.py"):
                assert p.stem not in {"hub", "research", "paper", "code", "capability"}, p


def test_every_section_module_is_registered() -> None:
    written = {p.stem for p in (PACKAGE / "report" / "sections").glob("*.py")} - {"__init__"}
    assert written == set(SECTION_ORDER)


def test_every_update_command_comes_from_a_spec() -> None:
    from typer.main import get_command

    from openrace.cli import app

    update = get_command(app).commands["update"]  # type: ignore[attr-defined]
    assert set(update.commands) == {s.name for s in SPECS if s.cli is not None}


def test_a_missing_metric_module_is_an_import_error(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from openrace.metrics import catalogue

    monkeypatch.setattr(catalogue, "metric_modules", lambda: ("openrace.metrics.no_such",))
    monkeypatch.setattr(catalogue, "_loaded", False)
    with pytest.raises(ImportError):
        catalogue.load_catalogue()


def test_report_runs_no_sql() -> None:
    # sections show what metrics and named queries compute: no SQL of their own
    offenders = []
    for path in sorted((PACKAGE / "report").rglob("*.py")):
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\.(sql|rows|dicts|query_readonly(_rows)?)\(|\.con\b", line):
                offenders.append(f"{path.relative_to(PACKAGE)}:{i}: {line.strip()}")
    assert not offenders, "SQL in report/:\n" + "\n".join(offenders)


def test_the_hub_relations_are_the_store_vocabulary() -> None:
    # sources/hf.py keeps its own copy so that `openrace --help` need not import the store
    from openrace.sources.hf import RELATIONS as HUB
    from openrace.store.vocabulary import RELATIONS

    assert HUB == RELATIONS


#: builtins that aggregate a metric's values; report/ calls openrace.metrics.rows instead
_AGGREGATES = {"sum", "max", "min"}
#: operators only numbers use (``+`` joins text, ``*`` repeats lists, ``%`` formats)
_NUMERIC_OPS = (ast.Div, ast.FloorDiv, ast.Sub, ast.Pow)


def _mentions_value(node: ast.AST) -> bool:
    """Whether ``node`` reads a metric row's value (``r["value"]``)."""
    return any(
        isinstance(n, ast.Subscript)
        and isinstance(n.slice, ast.Constant)
        and n.slice.value == "value"
        for n in ast.walk(node)
    )


def _arithmetic(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in _AGGREGATES and any(_mentions_value(a) for a in node.args):
                found.append((node.lineno, f"{node.func.id}() over values"))
            elif node.func.id == "sum":
                found.append((node.lineno, "sum()"))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, _NUMERIC_OPS):
            if not any(
                isinstance(o, ast.Call) and isinstance(o.func, ast.Name) and o.func.id == "len"
                for o in (node.left, node.right)
            ):
                found.append((node.lineno, type(node.op).__name__))
        elif isinstance(node, ast.BinOp | ast.AugAssign | ast.UnaryOp):
            parts = (
                (node.operand,)
                if isinstance(node, ast.UnaryOp)
                else (node.target, node.value)
                if isinstance(node, ast.AugAssign)
                else (node.left, node.right)
            )
            if any(_mentions_value(p) for p in parts):
                found.append((node.lineno, "arithmetic on a value"))
    return found


def test_report_sections_do_no_arithmetic_on_metric_rows() -> None:
    # sections show; totals, shares, rankings and crossovers are computed in openrace.metrics
    # (a metric, or openrace.metrics.rows): no sum(), no division or subtraction, no
    # arithmetic on a row's "value" in the sections or the summary
    paths = [
        *sorted((PACKAGE / "report" / "sections").glob("*.py")),
        PACKAGE / "report" / "summary.py",
    ]
    offenders = [
        f"{path.relative_to(PACKAGE)}:{line}: {what}"
        for path in paths
        for line, what in _arithmetic(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not offenders, "arithmetic in report sections:\n" + "\n".join(offenders)


def test_the_arithmetic_check_catches_arithmetic() -> None:
    for code in (
        'n = sum(r["value"] for r in rows)',
        "s = a / b",
        "rest = n - closed",
        'totals[k] += r["value"]',
        'key = -r["value"]',
        'm = max(r["value"] for r in rows)',
        "t = o['open'] + o['value']",
    ):
        assert _arithmetic(ast.parse(code)), code
    for code in (
        'text = "a" + name',
        "n = len(top) - 1",
        'v = {"value": r["value"]}',
        "rows += other",
        "bar = '-' * 3",
    ):
        assert not _arithmetic(ast.parse(code)), code


def test_the_metric_contract_imports_nothing_of_the_catalogue() -> None:
    # metrics/base.py is the contract (Metric, Query, Option, helpers); registration lives
    # in metrics/catalogue.py, which imports the contract: never the other way round
    import ast

    tree = ast.parse((PACKAGE / "metrics" / "base.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
    metric_modules = {m for m in imported if m.startswith("openrace.metrics")}
    assert not metric_modules, metric_modules
