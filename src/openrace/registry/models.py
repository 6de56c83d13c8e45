"""Typed records of the bundled registry: organisations and notable releases."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from openrace.store.vocabulary import Sector

Access = Literal["open-weights", "api", "unreleased"]
Modality = Literal[
    "language", "code", "vision", "multimodal", "speech", "audio", "image-generation",
    "video-generation", "embedding", "biology", "robotics", "other",
]

_ORG_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_REL_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_HF_REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
#: a Hub repository, or a pattern of them with ``*`` in the name: ``google/gemma-*``
_HF_REPO_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9*][A-Za-z0-9._*-]*$")
_URL = re.compile(r"^https?://[^\s<>\"']+$")


def _check_url(v: str | None) -> str | None:
    if v is not None and not _URL.match(v):
        raise ValueError(f"not an http(s) URL: {v!r}")
    return v


class Organization(BaseModel):
    """An organisation that builds AI models."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str = Field(min_length=1)
    aliases: list[str] = []
    country: str
    extra_countries: list[str] = []
    sector: Sector
    parent: str | None = None
    #: the day the organisation came under ``parent`` (an acquisition); before it, it was
    #: its own owner. None: it always belonged to its parent.
    parent_since: date | None = None
    #: where ``parent_since`` comes from (required with it)
    parent_source: str | None = None
    hf_namespaces: list[str] = []
    #: Hub repositories (``*`` patterns allowed) credited to this organisation whatever
    #: namespace hosts them, e.g. ``google/gemma-*`` for Google DeepMind
    hf_repos: list[str] = []
    github_orgs: list[str] = []
    ror: str | None = None
    openalex_id: str | None = None
    homepage: str | None = None
    source: str

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _ORG_ID.match(v):
            raise ValueError(f"id {v!r} must be lowercase letters, digits and '-'")
        return v

    @field_validator("homepage", "source", "parent_source")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        return _check_url(v)

    @field_validator("hf_repos")
    @classmethod
    def _repos(cls, v: list[str]) -> list[str]:
        for r in v:
            if not _HF_REPO_PATTERN.match(r):
                raise ValueError(f"hf_repos: {r!r} must be 'namespace/name' ('*' allowed in "
                                 "the name)")
        return v

    @model_validator(mode="after")
    def _since(self) -> Organization:
        if self.parent_since is not None and self.parent is None:
            raise ValueError("parent_since is given but there is no parent")
        if self.parent_since is not None and self.parent_source is None:
            raise ValueError("parent_since needs parent_source (where the date comes from)")
        return self

    @field_validator("ror")
    @classmethod
    def _ror(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"https://ror\.org/0[a-z0-9]{6}[0-9]{2}", v):
            raise ValueError(f"ror {v!r} must look like https://ror.org/0abcdef12")
        return v

    @field_validator("openalex_id")
    @classmethod
    def _openalex(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"I[0-9]+", v):
            raise ValueError(f"openalex_id {v!r} must look like I123456")
        return v


class Release(BaseModel):
    """A notable model release, open or closed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str = Field(min_length=1)
    orgs: list[str] = Field(min_length=1)
    date: date
    date_precision: Literal["day", "month"] = "day"
    modality: Modality
    params_b: float | None = Field(default=None, gt=0)
    access: Access
    license: str
    license_name: str | None = None
    weights: bool
    training_code: bool = False
    training_data: bool = False
    paper: bool = False
    hf_repo: str | None = None
    source: str
    notes: str | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _REL_ID.match(v):
            raise ValueError(f"id {v!r} must be lowercase letters, digits and '.', '_', '-'")
        return v

    @field_validator("source")
    @classmethod
    def _url(cls, v: str) -> str:
        return _check_url(v)  # type: ignore[return-value]

    @field_validator("hf_repo")
    @classmethod
    def _repo(cls, v: str | None) -> str | None:
        if v is not None and not _HF_REPO.match(v):
            raise ValueError(f"hf_repo {v!r} must be 'namespace/name'")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Release:
        if self.access == "open-weights" and not self.weights:
            raise ValueError("access is open-weights but weights is false")
        if self.access != "open-weights" and self.weights:
            raise ValueError(f"access is {self.access} but weights is true")
        if self.access != "open-weights" and self.license != "proprietary":
            raise ValueError(f"access is {self.access}: license must be 'proprietary'")
        return self
