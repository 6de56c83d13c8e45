"""How open is "open": licence classes and an openness grade, as pure functions.

The rules are tabulated here and rendered into docs/methodology.md and the report.

Licence classes, from most to least open:

``osi``
    An OSI-approved licence, or an Open Definition conformant content licence
    (CC0, CC-BY, CC-BY-SA, ODC-By, ODbL, PDDL, CDLA): use, study, modify, share, for any purpose.
``open-restricted``
    Weights anyone may download and use commercially, but under use-based restrictions,
    user thresholds or attribution terms beyond an open licence (Llama, Gemma, Qwen,
    DeepSeek model licences, OpenRAIL, ...).
``non-commercial``
    Any use except commercial use (CC-BY-NC, FAIR NC, ...).
``research-only``
    Research or evaluation use only (Mistral Research Licence, Apple AMLR, ...).
``closed``
    No public weights (API-only or unreleased).
``unknown``
    Not stated, ``other``, or a licence openrace does not know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from license_expression import ExpressionError, get_spdx_licensing

from openrace.store.vocabulary import LICENSE_CLASSES

#: the licence classes, most open first (the store's vocabulary: ``artifacts.license_class``)
CLASSES = LICENSE_CLASSES
_RANK = {c: i for i, c in enumerate(CLASSES)}

# OSI-approved (or Open Definition conformant for data/content) licences, by lowercase
# SPDX id or Hub id.
_OSI = {
    "apache-2.0", "mit", "bsd", "bsd-2-clause", "bsd-3-clause", "bsd-3-clause-clear", "isc",
    "mpl-2.0", "gpl", "gpl-2.0", "gpl-2.0-only", "gpl-2.0-or-later", "gpl-3.0", "gpl-3.0-only",
    "gpl-3.0-or-later", "lgpl", "lgpl-2.1", "lgpl-2.1-only", "lgpl-3.0", "lgpl-3.0-only",
    "lgpl-lr", "agpl-3.0", "agpl-3.0-only", "agpl-3.0-or-later", "epl-1.0", "epl-2.0",
    "ecl-2.0", "eupl-1.1", "eupl-1.2", "afl-3.0", "osl-3.0", "artistic-2.0", "bsl-1.0",
    "ms-pl", "ncsa", "postgresql", "zlib", "unlicense", "upl-1.0", "0bsd", "wtfpl", "ofl-1.1",
    "lppl-1.3c", "cc0-1.0", "cc-by-2.0", "cc-by-2.5", "cc-by-3.0", "cc-by-4.0",
    "cc-by-sa-3.0", "cc-by-sa-4.0", "odc-by", "odc-by-1.0", "odbl", "odbl-1.0", "pddl",
    "pddl-1.0", "cdla-permissive-1.0", "cdla-permissive-2.0", "cdla-sharing-1.0", "etalab-2.0",
    "gfdl", "pdl",
}

# Named licences (Hub ids and openrace ids) that are not OSI-approved:
# id -> (class, human-readable name)
NAMED: dict[str, tuple[str, str]] = {
    # use-restricted open weights
    "openrail": ("open-restricted", "Open RAIL"),
    "openrail++": ("open-restricted", "Open RAIL++-M"),
    "bigscience-openrail-m": ("open-restricted", "BigScience OpenRAIL-M"),
    "creativeml-openrail-m": ("open-restricted", "CreativeML OpenRAIL-M"),
    "bigcode-openrail-m": ("open-restricted", "BigCode OpenRAIL-M"),
    "bigscience-bloom-rail-1.0": ("open-restricted", "BigScience BLOOM RAIL 1.0"),
    "llama2": ("open-restricted", "Llama 2 Community License"),
    "llama3": ("open-restricted", "Meta Llama 3 Community License"),
    "llama3.1": ("open-restricted", "Llama 3.1 Community License"),
    "llama3.2": ("open-restricted", "Llama 3.2 Community License"),
    "llama3.3": ("open-restricted", "Llama 3.3 Community License"),
    "llama4": ("open-restricted", "Llama 4 Community License"),
    "gemma": ("open-restricted", "Gemma Terms of Use"),
    "qwen": ("open-restricted", "Qwen License Agreement"),
    "tongyi-qianwen": ("open-restricted", "Tongyi Qianwen License Agreement"),
    "deepseek": ("open-restricted", "DeepSeek License Agreement"),
    "yi": ("open-restricted", "Yi Series Models Community License"),
    "baichuan": ("open-restricted", "Baichuan Community License"),
    "internlm": ("open-restricted", "InternLM model licence (free commercial use on application)"),
    "chatglm": ("open-restricted", "ChatGLM model licence"),
    "glm-4": ("open-restricted", "GLM-4 model licence"),
    "falcon": ("open-restricted", "TII Falcon License"),
    "falcon-180b": ("open-restricted", "Falcon-180B TII License"),
    "nvidia-open-model-license": ("open-restricted", "NVIDIA Open Model License"),
    "stabilityai-community": ("open-restricted", "Stability AI Community License"),
    "jamba-open-model-license": ("open-restricted", "Jamba Open Model License"),
    "skywork": ("open-restricted", "Skywork Community License"),
    "minimax": ("open-restricted", "MiniMax model licence"),
    "modified-mit": ("open-restricted", "Modified MIT License (attribution terms)"),
    "hunyuan": ("open-restricted", "Tencent Hunyuan Community License"),
    "grok-2": ("open-restricted", "Grok 2 Community License"),
    "databricks-open-model": ("open-restricted", "Databricks Open Model License"),
    "xverse": ("open-restricted", "XVERSE model licence"),
    "codegeex": ("open-restricted", "CodeGeeX model licence"),
    "baai-aquila": ("open-restricted", "BAAI Aquila model licence"),
    "apple-ascl": ("open-restricted", "Apple Sample Code License (permissive, not OSI-approved)"),
    "cc-by-nd-4.0": ("open-restricted", "CC BY-ND 4.0 (no derivatives)"),
    "cc-by-nd-3.0": ("open-restricted", "CC BY-ND 3.0 (no derivatives)"),
    # non-commercial
    "cc-by-nc-2.0": ("non-commercial", "CC BY-NC 2.0"),
    "cc-by-nc-3.0": ("non-commercial", "CC BY-NC 3.0"),
    "cc-by-nc-4.0": ("non-commercial", "CC BY-NC 4.0"),
    "cc-by-nc-sa-2.0": ("non-commercial", "CC BY-NC-SA 2.0"),
    "cc-by-nc-sa-3.0": ("non-commercial", "CC BY-NC-SA 3.0"),
    "cc-by-nc-sa-4.0": ("non-commercial", "CC BY-NC-SA 4.0"),
    "cc-by-nc-nd-3.0": ("non-commercial", "CC BY-NC-ND 3.0"),
    "cc-by-nc-nd-4.0": ("non-commercial", "CC BY-NC-ND 4.0"),
    "fair-noncommercial-research-license": ("non-commercial", "FAIR Noncommercial Research"),
    "nvidia-non-commercial": ("non-commercial", "NVIDIA non-commercial licence"),
    "stabilityai-non-commercial": ("non-commercial", "Stability AI non-commercial licence"),
    "exaone": ("non-commercial", "EXAONE AI Model License (non-commercial)"),
    "cohere-non-commercial": ("non-commercial", "Cohere non-commercial terms (CC BY-NC)"),
    "minimax-non-commercial": (
        "non-commercial", "MiniMax licence forbidding commercial use without written consent"),
    "qwen-research": ("non-commercial", "Qwen Research License (non-commercial)"),
    "c-uda": ("non-commercial", "Computational Use of Data Agreement"),
    # research only
    "mistral-research": ("research-only", "Mistral AI Research License"),
    "mistral-non-production": ("research-only", "Mistral AI Non-Production License"),
    "apple-amlr": ("research-only", "Apple Machine Learning Research Model License"),
    "deepfloyd-if-license": ("research-only", "DeepFloyd IF Research License"),
    "h-research": ("research-only", "H Research License"),
    "intel-research": ("research-only", "Intel Research Use License"),
    # closed and unknown
    "proprietary": ("closed", "Proprietary (no public weights)"),
    "other": ("unknown", "Other (licence not named on the Hub)"),
    "unknown": ("unknown", "Unknown"),
    "cc": ("unknown", "Creative Commons (version and terms unstated)"),
}

_ALIASES = {
    "apache 2.0": "apache-2.0", "apache2": "apache-2.0", "apache-2": "apache-2.0",
    "apache license 2.0": "apache-2.0", "mit license": "mit", "llama-2": "llama2",
    "llama-3": "llama3", "llama-3.1": "llama3.1", "llama-3.2": "llama3.2",
    "llama-3.3": "llama3.3", "llama-4": "llama4", "cc-by-nc": "cc-by-nc-4.0",
    "creativeml-openrail": "creativeml-openrail-m", "closed": "proprietary",
}


def normalise_license(value: str | None) -> str:
    """Lower-case, strip a Hub ``license:`` tag prefix, map common spellings to one id."""
    if value is None:
        return "unknown"
    v = str(value).strip().lower()
    if v.startswith("license:"):
        v = v[len("license:") :]
    v = re.sub(r"\s+", " ", v)
    return _ALIASES.get(v, v) or "unknown"


def is_known_license(value: str | None) -> bool:
    """Whether openrace recognises ``value`` (a Hub id, openrace id or SPDX expression)."""
    v = normalise_license(value)
    return v in NAMED or v in _OSI or _spdx_class(v) is not None


@lru_cache(maxsize=4096)
def license_class(value: str | None) -> str:
    """The licence class of a Hub licence id, openrace licence id or SPDX expression.

    >>> license_class("apache-2.0"), license_class("llama3.1"), license_class("cc-by-nc-4.0")
    ('osi', 'open-restricted', 'non-commercial')
    >>> license_class("MIT OR Apache-2.0"), license_class("other")
    ('osi', 'unknown')
    """
    v = normalise_license(value)
    if v in NAMED:
        return NAMED[v][0]
    if v in _OSI:
        return "osi"
    cls = _spdx_class(v)
    return cls if cls is not None else "unknown"


def license_name(value: str | None) -> str:
    """A human-readable name for a licence id."""
    v = normalise_license(value)
    if v in NAMED:
        return NAMED[v][1]
    return str(value) if value else "Unknown"


@lru_cache(maxsize=1)
def _licensing():  # type: ignore[no-untyped-def]
    return get_spdx_licensing()


def _spdx_class(v: str) -> str | None:
    """Class of an SPDX expression: OR takes the most open option, AND (or WITH) the
    least open part. None when ``v`` is not a valid expression of known keys."""
    if not v or len(v) > 500 or not re.fullmatch(r"[a-z0-9 .+\-()]+", v):
        return None
    try:
        expr = _licensing().parse(v, validate=False, strict=False)
    except (ExpressionError, Exception):
        return None
    if expr is None:
        return None
    return _expr_class(expr)


def _expr_class(expr) -> str | None:  # type: ignore[no-untyped-def]
    from license_expression import AND, OR, LicenseSymbol, LicenseWithExceptionSymbol

    if isinstance(expr, LicenseWithExceptionSymbol):
        return _key_class(expr.license_symbol.key)
    if isinstance(expr, LicenseSymbol):
        return _key_class(expr.key)
    parts = [_expr_class(a) for a in expr.args]
    if any(p is None for p in parts):
        return None
    ranks = [_RANK[p] for p in parts if p is not None]
    if isinstance(expr, OR):
        return CLASSES[min(ranks)]
    if isinstance(expr, AND):
        return CLASSES[max(ranks)]
    return None


def _key_class(key: str) -> str | None:
    k = key.lower()
    if k in NAMED:
        return NAMED[k][0]
    if k in _OSI:
        return "osi"
    return None


# -- openness grade ----------------------------------------------------------------------

MOF_RULES: tuple[tuple[str, str], ...] = (
    ("Class III — Open Model",
     "weights public under an open licence (class `osi`)"),
    ("Class II — Open Tooling",
     "Class III, and the training code public"),
    ("Class I — Open Science",
     "Class II, and the training data public and a paper or technical report"),
)

OSAID_RULE = (
    "weights and training code public under OSI-approved terms (class `osi`) and the training "
    "data public. The OSI Open Source AI Definition 1.0 also accepts detailed 'data "
    "information' instead of the data itself; openrace cannot judge that automatically, "
    "so it asks for the data: a conservative reading."
)


@dataclass(frozen=True)
class Components:
    """What a release makes public."""

    weights: bool
    training_code: bool = False
    training_data: bool = False
    paper: bool = False
    license_class: str = "unknown"


def mof_class(c: Components) -> str | None:
    """An openness grade in the spirit of the Model Openness Framework:
    ``"I"`` (open science), ``"II"`` (open tooling), ``"III"`` (open model) or ``None``.

    >>> mof_class(Components(weights=True, license_class="osi"))
    'III'
    >>> mof_class(Components(weights=True, license_class="open-restricted")) is None
    True
    """
    if not (c.weights and c.license_class == "osi"):
        return None
    if not c.training_code:
        return "III"
    if c.training_data and c.paper:
        return "I"
    return "II"


def meets_osaid(c: Components) -> bool:
    """Whether a release meets the spirit of the OSI Open Source AI Definition
    (see :data:`OSAID_RULE`)."""
    return bool(c.weights and c.training_code and c.training_data and c.license_class == "osi")


def rule_table() -> list[dict[str, str]]:
    """The licence rule table as rows (id, class, name) for docs and the report."""
    rows = [{"license": k, "class": v[0], "name": v[1]} for k, v in sorted(NAMED.items())]
    rows += [{"license": k, "class": "osi", "name": k} for k in sorted(_OSI)]
    return rows
