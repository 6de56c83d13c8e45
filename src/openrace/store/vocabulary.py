"""The store's vocabulary: the words its columns hold, named once.

>>> from openrace.store.vocabulary import OK, RESUMABLE
>>> OK in RESUMABLE
False
"""

from __future__ import annotations

from typing import Literal, get_args

#: ``harvest_runs.status``: a run is ``running`` until it ends ``ok``, ``failed`` (an
#: error; resumable) or ``interrupted`` (a kill, Ctrl-C, a page limit, or superseded by
#: a run with other parameters; resumable unless superseded).
RUNNING = "running"
OK = "ok"
FAILED = "failed"
INTERRUPTED = "interrupted"
RUN_STATUSES: tuple[str, ...] = (RUNNING, OK, FAILED, INTERRUPTED)
#: statuses of a run the next update of the same source, scope and parameters resumes
RESUMABLE: tuple[str, ...] = (RUNNING, INTERRUPTED, FAILED)

#: ``lineage.relation``: how a Hub model derives from its parent (its ``base_model:``
#: tag's relation).
RELATIONS: tuple[str, ...] = ("finetune", "adapter", "quantized", "merge")

#: ``artifacts.license_class``, from most to least open (the rules are in
#: :mod:`openrace.rules.openness`).
LICENSE_CLASSES: tuple[str, ...] = (
    "osi",
    "open-restricted",
    "non-commercial",
    "research-only",
    "closed",
    "unknown",
)

#: ``organizations.sector``: the registry's sectors (checked by
#: :mod:`openrace.registry.models`).
Sector = Literal["industry", "academia", "government", "nonprofit", "community"]
SECTORS: tuple[str, ...] = get_args(Sector)
