"""Release candidates from the Hub: what the registry's namespaces published that it lacks.

:func:`suggest` reads a harvested store (``openrace update hf``) and lists **base models**
— Hub models with no ``base_model`` tag, so no parent in ``lineage`` — published by an
organisation of the registry (its namespace, or an ``hf_repos`` pattern), created on or
after ``since``, that reach an adoption threshold, and that no registry release and no
Epoch AI row covers. Candidates are grouped into families (one organisation, one model
name with sizes and variants dropped: ``Qwen3-8B-Instruct`` and ``Qwen3-32B`` are the
``qwen3`` family), each with a ready YAML snippet for ``registry/data/releases/`` and its
Hub link.

Thresholds (documented in the README and changeable): a family qualifies when its models
together had at least ``min_downloads`` downloads in the last 30 days (default 1,000) or
``min_likes`` likes (default 50), from the latest harvest. A family is *covered* when one of
its repositories is a registry release's ``hf_repo``, or when a registry release of the
same organisation or an Epoch AI model has a name that starts with the family's name
(letters and digits compared, as :func:`openrace.sources.epoch.name_key`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from openrace.rules.openness import is_known_license
from openrace.sources.epoch import name_key
from openrace.store import Store

MIN_DOWNLOADS = 1000
MIN_LIKES = 50
DEFAULT_DAYS = 365

#: name tokens that are sizes, variants, formats or dates, dropped from a family's name
_DROP = re.compile(
    r"^(\d+(\.\d+)?[bmkt]|a\d+(\.\d+)?b|e\d+b|\d+x\d+b|instruct|chat|it|base|pt|hf|sft|rl|dpo|"
    r"preview|thinking|reasoning|fp8|fp16|bf16|int4|int8|awq|gptq|gguf|mlx|onnx|"
    r"\d{4}|\d{6,8}|v\d+(\.\d+)?-?|latest|final|release)$"
)
_MODALITY = {
    "text-generation": "language",
    "text2text-generation": "language",
    "image-text-to-text": "multimodal",
    "visual-question-answering": "multimodal",
    "any-to-any": "multimodal",
    "text-to-image": "image-generation",
    "image-to-image": "image-generation",
    "text-to-video": "video-generation",
    "image-to-video": "video-generation",
    "automatic-speech-recognition": "speech",
    "text-to-speech": "speech",
    "text-to-audio": "audio",
    "audio-to-audio": "audio",
    "feature-extraction": "embedding",
    "sentence-similarity": "embedding",
    "image-classification": "vision",
    "object-detection": "vision",
    "image-segmentation": "vision",
    "depth-estimation": "vision",
}


def family(repo_id: str) -> str:
    """The family of a Hub model: its name without sizes, variants, formats and dates
    (``Qwen/Qwen3-235B-A22B-Instruct-2507`` → ``qwen3``)."""
    name = repo_id.split("/", 1)[-1].lower()
    tokens = [t for t in re.split(r"[-_]", name) if t]
    kept = [t for t in tokens if not _DROP.match(t)]
    return "-".join(kept or tokens[:1])


@dataclass
class Candidate:
    """A family of Hub models the registry lacks."""

    org_id: str
    family: str
    repos: list[str]
    created: dt.date | None
    downloads_30d: float
    likes: float
    top_repo: str
    license: str | None
    pipeline_tag: str | None
    params_b: float | None
    snippet: str = ""
    link: str = field(init=False)

    def __post_init__(self) -> None:
        self.link = f"https://huggingface.co/{self.top_repo}"

    def as_dict(self) -> dict[str, Any]:
        """Plain data for the CLI."""
        return {
            "org_id": self.org_id,
            "family": self.family,
            "models": len(self.repos),
            "top_repo": self.top_repo,
            "created": self.created,
            "downloads_30d": self.downloads_30d,
            "likes": self.likes,
            "link": self.link,
            "repos": ";".join(self.repos),
            "snippet": self.snippet,
        }


def suggest(
    store: Store,
    *,
    since: dt.date | None = None,
    min_downloads: float = MIN_DOWNLOADS,
    min_likes: float = MIN_LIKES,
    today: dt.date | None = None,
) -> list[Candidate]:
    """Release candidates from a harvested store, most downloaded first (see the module
    doc). ``since`` defaults to 365 days before ``today``."""
    today = today or dt.date.today()
    since = since or today - dt.timedelta(days=DEFAULT_DAYS)
    models = store.dicts(
        """
        WITH latest AS (
            SELECT artifact_id, metric, arg_max(value, run_id) AS value
            FROM observations WHERE metric IN ('downloads_30d', 'likes') GROUP BY 1, 2
        )
        SELECT a.source_id AS repo, t.org_id, a.created, a.license, a.pipeline_tag,
               a.params_b,
               coalesce(max(CASE WHEN l.metric = 'downloads_30d' THEN l.value END), 0) AS dl,
               coalesce(max(CASE WHEN l.metric = 'likes' THEN l.value END), 0) AS likes
        FROM artifacts a
        JOIN attributions t ON t.artifact_id = a.artifact_id AND t.method = 'registry'
        LEFT JOIN latest l ON l.artifact_id = a.artifact_id
        WHERE a.source = 'hf' AND a.kind = 'model' AND a.created >= ?
          AND NOT EXISTS (SELECT 1 FROM lineage g WHERE g.child_id = a.artifact_id)
        GROUP BY a.source_id, t.org_id, a.created, a.license, a.pipeline_tag, a.params_b
        """,
        [dt.datetime.combine(since, dt.time())],
    )
    releases = store.dicts(
        "SELECT a.source, a.title, a.hf_repo, t.org_id FROM artifacts a LEFT JOIN attributions "
        "t ON t.artifact_id = a.artifact_id AND t.method IN ('registry', 'epoch') "
        "WHERE a.kind = 'release'"
    )
    repos_known = {str(r["hf_repo"]).lower() for r in releases if r["hf_repo"]}
    named = [(name_key(str(r["title"] or "")), r["org_id"], r["source"]) for r in releases]
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for m in models:
        groups.setdefault((m["org_id"], family(m["repo"])), []).append(m)
    out: list[Candidate] = []
    for (org_id, fam), ms in groups.items():
        if any(m["repo"].lower() in repos_known for m in ms):
            continue
        key = name_key(fam)
        if key and any(
            k.startswith(key) and (src == "epoch" or o == org_id) for k, o, src in named
        ):
            continue
        dl = sum(m["dl"] for m in ms)
        likes = sum(m["likes"] for m in ms)
        if dl < min_downloads and likes < min_likes:
            continue
        ms.sort(key=lambda m: (-m["dl"], -m["likes"], m["repo"]))
        top = ms[0]
        first = min((m["created"] for m in ms if m["created"]), default=None)
        c = Candidate(
            org_id=org_id,
            family=fam,
            repos=[m["repo"] for m in ms],
            created=first.date() if first else None,
            downloads_30d=dl,
            likes=likes,
            top_repo=top["repo"],
            license=top["license"],
            pipeline_tag=top["pipeline_tag"],
            params_b=top["params_b"],
        )
        c.snippet = snippet(c)
        out.append(c)
    out.sort(key=lambda c: (-c.downloads_30d, -c.likes, c.org_id, c.family))
    return out


def snippet(c: Candidate) -> str:
    """The YAML of a registry release for a candidate, to check and paste into
    ``registry/data/releases/<region>.yaml``."""
    rid = re.sub(r"[^a-z0-9._-]", "-", c.family.lower()).strip("-._") or "release"
    lic = c.license if c.license and is_known_license(c.license) else None
    lines = [
        f"- id: {rid}",
        f"  name: {_yaml(c.top_repo.split('/', 1)[-1])}",
        f"  orgs: [{c.org_id}]",
        f"  date: {c.created.isoformat() if c.created else 'YYYY-MM-DD  # not on the Hub'}",
        f"  modality: {_MODALITY.get(c.pipeline_tag or '', 'other')}"
        + ("" if c.pipeline_tag in _MODALITY else "  # check"),
    ]
    if c.params_b:
        lines.append(f"  params_b: {c.params_b:.3g}")
    lines += [
        "  access: open-weights",
        f"  license: {lic}"
        if lic
        else f"  license: {_yaml(c.license or 'unknown')}  # not a known licence id: see "
        "docs/registry.md",
        "  weights: true",
        f"  hf_repo: {c.top_repo}",
        f"  source: {c.link}",
    ]
    return "\n".join(lines)


def _yaml(text: str) -> str:
    return text if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 ._()-]*", text) else repr(text)
