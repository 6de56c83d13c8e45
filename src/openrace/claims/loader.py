"""Load a claims file (YAML); every problem is reported as ``file:line: message``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from openrace.claims.model import Claim, resolve
from openrace.errors import OpenraceError


class ClaimsFileError(OpenraceError):
    """A claims file is unreadable or invalid; ``problems`` lists each as file:line: msg."""

    exit_code = 2

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the claims file:\n" + "\n".join(problems))


def bundled_claims_path() -> Path:
    """The claims file shipped with openrace."""
    return Path(str(resources.files("openrace.claims") / "claims.yaml"))


#: libyaml's parser when PyYAML was built with it (the usual wheels are): ten times faster
#: than the pure-Python one, with the same marks and errors
_SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """A safe loader that records the line of every mapping and of each of its keys."""


def _mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    keys = [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise yaml.constructor.ConstructorError(
            None, None, f"duplicate key(s) {', '.join(dupes)}", node.start_mark
        )
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=True)
    return _Located(
        mapping,
        node.start_mark.line + 1,
        {k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)},
    )


class _Located(dict):  # type: ignore[type-arg]
    """A mapping that knows the line it starts on and the line of each key."""

    def __init__(self, data: dict[str, Any], line: int, lines: dict[str, int]):
        super().__init__(data)
        self.line = line
        self.lines = lines


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def _line_of(item: _Located, loc: tuple[Any, ...]) -> int:
    """The line of the innermost mapping / key that ``loc`` (a pydantic error location)
    reaches."""
    node: Any = item
    line = item.line
    for part in loc:
        if isinstance(node, _Located):
            line = node.lines.get(str(part), node.line) if isinstance(part, str) else node.line
            node = node.get(part) if isinstance(part, str) else None
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            if isinstance(node, _Located):
                line = node.line
        else:
            break
    return line


def load_claims(path: Path | str | None = None) -> list[Claim]:
    """Load and validate a claims file (default: the bundled one).

    Raises :class:`ClaimsFileError` listing every problem as ``file:line: message``.
    """
    p = Path(path) if path is not None else bundled_claims_path()
    shown = str(p) if path is not None else "claims.yaml (bundled)"
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ClaimsFileError(
            [
                f"{shown}:1: cannot read file: {exc.__class__.__name__}: "
                f"{getattr(exc, 'strerror', None) or exc}"
            ]
        ) from None
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        if "nesting depth" in str(exc.problem):  # libyaml's bound, as RecursionError below
            raise ClaimsFileError([f"{shown}:{line}: invalid claims file: nested too deeply"]
                                  ) from None
        raise ClaimsFileError([f"{shown}:{line}: invalid YAML: {exc.problem or exc}"]) from None
    except yaml.YAMLError as exc:
        raise ClaimsFileError([f"{shown}:1: invalid YAML: {exc}"]) from None
    except RecursionError:
        raise ClaimsFileError([f"{shown}:1: invalid claims file: nested too deeply"]) from None
    if isinstance(data, dict) and "claims" in data:
        data = data["claims"]
    if not isinstance(data, list):
        raise ClaimsFileError([f"{shown}:1: expected a list of claims"])
    problems: list[str] = []
    claims: list[Claim] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(data):
        if not isinstance(item, _Located):
            problems.append(f"{shown}:?: claim {i + 1} is not a mapping")
            continue
        try:
            claim = Claim.model_validate(dict(item))
        except ValidationError as exc:
            for err in exc.errors():
                loc = tuple(err["loc"])
                msg = err["msg"].removeprefix("Value error, ")
                if err["type"] == "extra_forbidden":
                    msg = "unknown field"
                elif err["type"] == "missing":
                    msg = "required field missing"
                where = ".".join(str(x) for x in loc)
                problems.append(
                    f"{shown}:{_line_of(item, loc)}: {where + ': ' if where else ''}{msg}"
                )
            continue
        if claim.id in seen:
            problems.append(
                f"{shown}:{item.line}: id {claim.id!r} already used on line {seen[claim.id]}"
            )
            continue
        seen[claim.id] = item.line
        claims.append(claim)
        problems += _catalogue_problems(claim, item, shown)
    if problems:
        raise ClaimsFileError(problems)
    return claims


def _catalogue_problems(claim: Claim, item: _Located, shown: str) -> list[str]:
    """Each metric a claim or one of its alternatives names must be in the catalogue, and
    each option, grouping and period it sets must be one that metric takes (an option the
    claim sets and an alternative's other metric lacks is not an error: that alternative
    is reported as not applying)."""
    from openrace.errors import UsageError
    from openrace.metrics.catalogue import load_catalogue

    catalogue = load_catalogue()
    problems: list[str] = []
    alternatives = item.get("alternatives") or []
    for i, alt in enumerate([claim, *claim.alternatives]):
        prefix: tuple[Any, ...] = () if i == 0 else ("alternatives", i - 1)
        where = "" if i == 0 else f"alternative {alt.label!r}: "
        own = item if i == 0 else (alternatives[i - 1] if i - 1 < len(alternatives) else {})
        d = resolve(claim, alt)
        if d.metric not in catalogue:
            problems.append(f"{shown}:{_line_of(item, (*prefix, 'metric'))}: {where}unknown "
                            f"metric {d.metric!r}; see `openrace metrics list`")
            continue
        m = catalogue.get(d.metric)
        checks: list[tuple[tuple[Any, ...], dict[str, str]]] = [
            ((*prefix, "options", k), {k: v}) for k, v in alt.options.items()
            if k in (own.get("options") or {})
        ]
        if "by" in own and alt.by:
            checks.append(((*prefix, "by"), {"by": alt.by}))
        if "period" in own and alt.period:
            checks.append(((*prefix, "period"), {"period": alt.period}))
        for loc, value in checks:
            try:
                m.query(**value)
            except UsageError as exc:
                problems.append(f"{shown}:{_line_of(item, loc)}: {where}{exc}")
    return problems
