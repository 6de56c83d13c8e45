"""Load and validate the registry files; every problem is reported as ``file:line: message``.

The same checks run for ``openrace registry check`` and whenever openrace loads the
registry, so a broken file can never reach the store.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pycountry
import yaml
from pydantic import ValidationError

from openrace.errors import RegistryError
from openrace.registry.models import Organization, Release
from openrace.rules.openness import is_known_license, license_class

KINDS = ("organizations", "releases")


def bundled_dir() -> Path:
    """The directory of the registry files shipped with openrace."""
    return Path(str(resources.files("openrace.registry") / "data"))


@dataclass
class Registry:
    """The validated registry."""

    organizations: list[Organization]
    releases: list[Release]
    files: list[Path] = field(default_factory=list)

    def org(self, org_id: str) -> Organization:
        """One organisation by id (KeyError if unknown)."""
        return self._orgs[org_id]

    def __post_init__(self) -> None:
        self._orgs = {o.id: o for o in self.organizations}

    def root(self, org_id: str) -> Organization:
        """The ultimate parent of an organisation (itself when it has none)."""
        o = self._orgs[org_id]
        seen = {o.id}
        while o.parent and o.parent in self._orgs and o.parent not in seen:
            o = self._orgs[o.parent]
            seen.add(o.id)
        return o

    def owner_country(self, org_id: str) -> str:
        """The country of an organisation's ultimate parent."""
        return self.root(org_id).country

    def root_at(self, org_id: str, when: dt.date) -> Organization:
        """The ultimate parent of an organisation on ``when``: the parent chain followed
        up to the first link that did not exist yet (``parent_since`` after ``when``)."""
        return owner_at({o.id: (o.parent, o.parent_since) for o in self.organizations},
                        org_id, when, self._orgs)


def owner_at(links: dict[str, tuple[str | None, dt.date | None]], org_id: str,
             when: dt.date, objects: dict[str, Any] | None = None) -> Any:
    """The owner of ``org_id`` on ``when`` given each organisation's (parent, since):
    the chain is followed while each link already existed. Returns the owner's id, or
    its object from ``objects`` when given.

    >>> owner_at({"silo": ("amd", dt.date(2024, 8, 9)), "amd": (None, None)}, "silo",
    ...          dt.date(2023, 1, 1))
    'silo'
    """
    cur = org_id
    seen = {cur}
    while True:
        parent, since = links.get(cur, (None, None))
        if not parent or parent not in links or parent in seen:
            break
        if since is not None and since > when:
            break
        cur = parent
        seen.add(cur)
    return objects[cur] if objects is not None else cur


# -- YAML with line numbers -----------------------------------------------------------------

#: libyaml's parser when PyYAML was built with it (the usual wheels are): ten times faster
#: than the pure-Python one, with the same marks and errors
_SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """A safe loader that records the line of every mapping and of each of its keys."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    mapping["__lines__"] = {k.value: k.start_mark.line + 1 for k, _ in node.value
                            if isinstance(k, yaml.ScalarNode)}
    keys = [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
    dupes = {k for k in keys if keys.count(k) > 1}
    if dupes:
        mapping["__dupkeys__"] = sorted(dupes)
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read(path: Path, problems: list[str]) -> list[dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{path}:1: cannot read file: {exc}")
        return []
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        if "nesting depth" in str(exc.problem):  # libyaml's bound, as RecursionError below
            problems.append(f"{path}:{line}: invalid registry file: nested too deeply")
        else:
            problems.append(f"{path}:{line}: invalid YAML: {exc.problem or exc}")
        return []
    except yaml.YAMLError as exc:
        problems.append(f"{path}:1: invalid YAML: {exc}")
        return []
    except RecursionError:
        problems.append(f"{path}:1: invalid registry file: nested too deeply")
        return []
    if data is None:
        return []
    if not isinstance(data, list):
        problems.append(f"{path}:1: expected a list of records, got {type(data).__name__}")
        return []
    records = []
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            problems.append(f"{path}:?: item {i + 1} is not a mapping")
            continue
        records.append(item)
    return records


# -- loading ------------------------------------------------------------------------------

def _files(paths: Iterable[Path]) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {k: [] for k in KINDS}
    for p in paths:
        if p.is_dir():
            for kind in KINDS:
                sub = p / kind
                if sub.is_dir():
                    out[kind].extend(sorted(sub.glob("*.yaml")) + sorted(sub.glob("*.yml")))
        elif p.is_file():
            kind = _kind_of(p)
            out[kind].append(p)
        else:
            raise RegistryError([f"{p}:1: no such file or directory"])
    return out


def _kind_of(path: Path) -> str:
    if path.parent.name in KINDS:
        return path.parent.name
    head = path.read_text(encoding="utf-8", errors="replace")[:20000]
    return "releases" if re.search(r"^\s*(-\s+)?orgs\s*:", head, re.MULTILINE) else "organizations"


def load_registry(*paths: Path | str, today: dt.date | None = None) -> Registry:
    """Load and validate registry files or directories (default: the bundled registry).

    A single file replaces the bundled file of the same name and kind, so that an edited
    copy is checked against the rest of the registry. Raises :class:`RegistryError` with
    every problem found.
    """
    registry, problems = check_registry(*paths, today=today)
    if problems:
        raise RegistryError(problems)
    assert registry is not None
    return registry


def check_registry(
    *paths: Path | str, today: dt.date | None = None
) -> tuple[Registry | None, list[str]]:
    """Validate without raising: the registry (None if broken) and the problems found."""
    today = today or dt.date.today()
    given = [Path(p) for p in paths]
    files = _files(given or [bundled_dir()])
    if given and all(p.is_file() for p in given):
        # Check single files against the rest of the bundled registry.
        bundled = _files([bundled_dir()])
        for kind in KINDS:
            names = {p.name for p in files[kind]}
            files[kind] = [p for p in bundled[kind] if p.name not in names] + files[kind]
    problems: list[str] = []
    orgs, org_at = _load_orgs(files["organizations"], problems)
    refs: list[tuple[list[Any], str]] = []
    rels = _load_releases(files["releases"], problems, today, refs)
    known = set(org_at) | _raw_ids(files["organizations"])
    for org_refs, at in refs:
        for o in org_refs:
            if o not in known:
                problems.append(f"{at}: orgs: unknown organisation {o!r}")
    _cross_check(orgs, org_at, known, problems)
    _check_repos(rels, problems, orgs)
    all_files = files["organizations"] + files["releases"]
    cwd = str(Path.cwd()) + "/"
    problems = [p.removeprefix(cwd) for p in problems]
    if problems:
        return None, problems
    return Registry([o for o, _ in orgs], [r for r, _ in rels], all_files), problems


def _validation_messages(exc: ValidationError, rec: dict[str, Any], path: Path) -> list[str]:
    out = []
    lines = rec.get("__lines__", {})
    for err in exc.errors():
        loc = [str(x) for x in err["loc"]]
        fld = loc[0] if loc else None
        line = lines.get(fld, rec["__line__"]) if fld else rec["__line__"]
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif err["type"] == "missing":
            msg = "required field missing"
        where = ".".join(loc)
        out.append(f"{path}:{line}: {where + ': ' if where else ''}{msg}")
    return out


def _clean(rec: dict[str, Any], path: Path, problems: list[str]) -> dict[str, Any]:
    for k in rec.get("__dupkeys__", []):
        problems.append(f"{path}:{rec['__lines__'].get(k, rec['__line__'])}: duplicate key {k!r}")
    return {k: v for k, v in rec.items() if not k.startswith("__")}


def _country_ok(code: Any) -> bool:
    return isinstance(code, str) and pycountry.countries.get(alpha_2=code) is not None


def _load_orgs(paths: list[Path], problems: list[str]) -> tuple[
    list[tuple[Organization, str]], dict[str, str]
]:
    out: list[tuple[Organization, str]] = []
    seen: dict[str, str] = {}
    for path in paths:
        for rec in _read(path, problems):
            data = _clean(rec, path, problems)
            lines = rec["__lines__"]
            where = f"{path}:{rec['__line__']}"
            for fld in ("country",):
                if fld in data and not _country_ok(data[fld]):
                    problems.append(f"{path}:{lines.get(fld)}: {fld}: {data[fld]!r} is not an "
                                    "ISO 3166-1 alpha-2 country code")
            for c in data.get("extra_countries") or []:
                if not _country_ok(c):
                    problems.append(f"{path}:{lines.get('extra_countries')}: extra_countries: "
                                    f"{c!r} is not an ISO 3166-1 alpha-2 country code")
            try:
                org = Organization.model_validate(data)
            except ValidationError as exc:
                problems.extend(_validation_messages(exc, rec, path))
                continue
            if org.id in seen:
                problems.append(f"{where}: duplicate organisation id {org.id!r} "
                                f"(first at {seen[org.id]})")
                continue
            seen[org.id] = where
            out.append((org, f"{path}:{lines.get('parent', rec['__line__'])}"))
    return out, seen


def _load_releases(paths: list[Path], problems: list[str], today: dt.date,
                   refs: list[tuple[list[Any], str]]) -> list[tuple[Release, dict[str, Any]]]:
    out: list[tuple[Release, dict[str, Any]]] = []
    seen: dict[str, str] = {}
    for path in paths:
        for rec in _read(path, problems):
            data = _clean(rec, path, problems)
            lines = rec["__lines__"]
            where = f"{path}:{rec['__line__']}"
            raw_date = data.get("date")
            if isinstance(raw_date, str) and re.fullmatch(r"\d{4}-\d{2}", raw_date):
                data["date"] = f"{raw_date}-01"
                data["date_precision"] = "month"
            lic = data.get("license")
            if isinstance(lic, str) and not is_known_license(lic):
                problems.append(f"{path}:{lines.get('license')}: license: unknown licence "
                                f"{lic!r} (see docs/registry.md for the known ids)")
            raw_orgs = data.get("orgs")
            if isinstance(raw_orgs, list):
                refs.append((raw_orgs, f"{path}:{lines.get('orgs', rec['__line__'])}"))
            raw_d = data.get("date")
            if isinstance(raw_d, dt.date) and raw_d > today:
                problems.append(f"{path}:{lines.get('date')}: date: {raw_d} is in the future")
            try:
                rel = Release.model_validate(data)
            except ValidationError as exc:
                problems.extend(_validation_messages(exc, rec, path))
                continue
            if rel.access == "open-weights" and license_class(rel.license) == "closed":
                problems.append(f"{path}:{lines.get('license')}: license: open weights cannot "
                                "have a proprietary licence")
            if rel.id in seen:
                problems.append(
                    f"{where}: duplicate release id {rel.id!r} (first at {seen[rel.id]})"
                )
                continue
            seen[rel.id] = where
            out.append((rel, {"path": path, "lines": lines, "line": rec["__line__"]}))
    return out


def _raw_ids(paths: list[Path]) -> set[str]:
    """Ids of organisation records, valid or not, so one bad record does not make every
    reference to it an error too."""
    ids: set[str] = set()
    for path in paths:
        for rec in _read(path, []):
            if isinstance(rec.get("id"), str):
                ids.add(rec["id"])
    return ids


def _cross_check(orgs: list[tuple[Organization, str]], org_at: dict[str, str],
                 known: set[str], problems: list[str]) -> None:
    by_id = {o.id: o for o, _ in orgs}
    for org, parent_at in orgs:
        if org.parent is None:
            continue
        if org.parent not in known:
            problems.append(f"{parent_at}: parent: unknown organisation {org.parent!r}")
            continue
        seen = {org.id}
        p: Organization | None = by_id.get(org.parent)
        while p is not None:
            if p.id in seen:
                problems.append(f"{parent_at}: parent: cycle through {p.id!r}")
                break
            seen.add(p.id)
            p = by_id.get(p.parent) if p.parent else None
    for org, at in orgs:
        if org.parent_since is not None and org.parent_since > dt.date.today():
            problems.append(f"{at}: parent_since: {org.parent_since} is in the future")
    repos: dict[str, str] = {}
    for org, _ in orgs:
        for r in org.hf_repos:
            key = r.lower()
            if key in repos and repos[key] != org.id:
                problems.append(f"{org_at[org.id]}: hf_repos: {r!r} is also claimed by "
                                f"{repos[key]!r}")
            repos[key] = org.id
    namespaces: dict[str, str] = {}
    for org, _ in orgs:
        for ns in org.hf_namespaces:
            key = ns.lower()
            if key in namespaces and namespaces[key] != org.id:
                problems.append(f"{org_at[org.id]}: hf_namespaces: {ns!r} is also claimed by "
                                f"{namespaces[key]!r}")
            namespaces[key] = org.id



def _check_repos(rels: list[tuple[Release, dict[str, Any]]], problems: list[str],
                 orgs: list[tuple[Organization, str]] = ()) -> None:
    """A Hub repository is given by one release only, and credited to one developer: an
    ``hf_repos`` pattern matching a release's ``hf_repo`` must belong to that release's
    lead (first) organisation, which the Hub data credits with it too."""
    repos: dict[str, str] = {}
    patterns = [(p.lower(), org.id) for org, _ in orgs for p in org.hf_repos]
    for rel, at in rels:
        if rel.hf_repo:
            key = rel.hf_repo.lower()
            where = f"{at['path']}:{at['lines'].get('hf_repo', at['line'])}"
            if key in repos:
                problems.append(f"{where}: hf_repo: {rel.hf_repo!r} is also given for "
                                f"{repos[key]!r}")
            repos[key] = rel.id
            hits = [(p, o) for p, o in patterns
                    if p.split("/", 1)[0] == key.split("/", 1)[0]
                    and fnmatch.fnmatchcase(key, p)]
            if hits and rel.orgs:
                pattern, org_id = max(hits, key=lambda h: len(h[0]))
                if org_id != rel.orgs[0]:
                    problems.append(
                        f"{where}: hf_repo: {rel.hf_repo!r} matches hf_repos {pattern!r} of "
                        f"{org_id!r}, not of the release's lead organisation "
                        f"{rel.orgs[0]!r}: the Hub data and the release would name different "
                        "developers")
