"""Write the validated registry into the store (organisations, releases, attributions)."""

from __future__ import annotations

import hashlib
import json

from openrace.registry.loader import Registry, owner_at
from openrace.rules.openness import Components, license_class, meets_osaid, mof_class
from openrace.store import Store, utcnow

#: the attribution method of an organisation's owner on a release's date
OWNER_METHOD = "owner"


def registry_fingerprint(registry: Registry) -> str:
    """A short hash of the registry content, recorded in the store for provenance."""
    h = hashlib.sha256()
    for o in sorted(registry.organizations, key=lambda o: o.id):
        h.update(o.model_dump_json().encode())
    for r in sorted(registry.releases, key=lambda r: r.id):
        h.update(r.model_dump_json().encode())
    return h.hexdigest()[:16]


def release_repo_overrides(registry: Registry) -> dict[str, list[str]]:
    """Hub repositories of registry releases hosted under another organisation's
    namespace than the release's lead organisation's — the first of ``orgs``, the developer
    (Zhipu's GLM-4 under Tsinghua's ``THUDM``, DeepMind's Gemma under ``google``): each is
    credited whole to the lead, so that the Hub data and the releases agree on who made it
    (a Hub repository has one publisher: a joint release's repository is not split). The
    registry check refuses an ``hf_repos`` pattern of another organisation matching it."""
    owner = {ns.lower(): o.id for o in registry.organizations for ns in o.hf_namespaces}
    out: dict[str, list[str]] = {}
    for r in registry.releases:
        if not r.hf_repo:
            continue
        ns_owner = owner.get(r.hf_repo.split("/", 1)[0].lower())
        if ns_owner is not None and ns_owner != r.orgs[0]:
            out.setdefault(r.orgs[0], []).append(r.hf_repo)
    return out


def refresh_dated_owners(store: Store) -> int:
    """Recompute the ``owner`` attributions of every release (registry and Epoch): for
    each organisation of a release whose owner on the release's date differs from its
    owner today (a ``parent_since`` after the release), one row with the organisation
    (``org_id``), the country of its owner on that date (``country``) and that owner's id
    (``detail``). The owner rule of the release metrics prefers these rows, so an
    acquisition does not apply backwards. Returns rows written."""
    orgs = store.dicts("SELECT id, parent, parent_since, country, root_org FROM organizations")
    links = {o["id"]: (o["parent"], o["parent_since"]) for o in orgs}
    by_id = {o["id"]: o for o in orgs}
    rows = []
    if any(o["parent_since"] is not None for o in orgs):
        for r in store.dicts(
            "SELECT t.artifact_id, t.org_id, t.weight, a.created FROM attributions t "
            "JOIN artifacts a USING (artifact_id) WHERE a.kind = 'release' AND "
            "t.method IN ('registry', 'epoch') AND t.org_id IS NOT NULL AND "
            "a.created IS NOT NULL"
        ):
            if r["org_id"] not in links:
                continue
            owner = owner_at(links, r["org_id"], r["created"].date())
            if owner != by_id[r["org_id"]]["root_org"]:
                rows.append({"artifact_id": r["artifact_id"], "org_id": r["org_id"],
                             "country": by_id[owner]["country"], "weight": r["weight"],
                             "method": OWNER_METHOD, "detail": owner})
    store.replace_method_attributions(OWNER_METHOD, rows)
    return len(rows)


def sync_registry(store: Store, registry: Registry) -> dict[str, int]:
    """Make the store's registry rows equal to ``registry``, in one transaction.

    Organisations are upserted (and ones no longer in the registry removed); each release
    becomes an artifact ``registry:release:<id>`` with ``registry`` attributions of weight
    1/n to each of its n organisations. Idempotent. Returns counts written.
    """
    now = utcnow()
    overrides = release_repo_overrides(registry)
    org_rows = []
    for o in registry.organizations:
        root = registry.root(o.id)
        org_rows.append({
            **o.model_dump(),
            "hf_repos": list(dict.fromkeys([*o.hf_repos, *overrides.get(o.id, [])])),
            "owner_country": root.country,
            "root_org": root.id,
        })
    art_rows = []
    attr_rows = []
    for r in registry.releases:
        aid = f"registry:release:{r.id}"
        cls = license_class(r.license)
        comp = Components(weights=r.weights, training_code=r.training_code,
                          training_data=r.training_data, paper=r.paper, license_class=cls)
        art_rows.append({
            "artifact_id": aid, "source": "registry", "kind": "release", "source_id": r.id,
            "title": r.name, "author": r.orgs[0], "created": r.date,
            "date_precision": r.date_precision, "license": r.license, "license_class": cls,
            "access": r.access, "modality": r.modality, "params_b": r.params_b,
            "weights": r.weights, "training_code": r.training_code,
            "training_data": r.training_data, "paper": r.paper, "mof_class": mof_class(comp),
            "osaid": meets_osaid(comp), "url": r.source, "hf_repo": r.hf_repo,
            "detail": json.dumps({"orgs": r.orgs, "license_name": r.license_name,
                                  "notes": r.notes}),
            "first_seen": now, "last_seen": now,
        })
        for org_id in r.orgs:
            attr_rows.append({
                "artifact_id": aid, "org_id": org_id,
                "country": registry.org(org_id).country, "weight": 1.0 / len(r.orgs),
                "method": "registry", "detail": "release organisation in the registry",
            })
    ids = [a["artifact_id"] for a in art_rows]
    with store.transaction():
        store.replace_organizations(org_rows)
        store.remove_stale("registry", "release", ids)
        store.upsert("artifacts", art_rows, ["artifact_id"], keep=["first_seen"])
        store.replace_attributions(ids, ["registry"], attr_rows)
        refresh_dated_owners(store)
        newest = max((r.date for r in registry.releases), default=None)
        if newest is not None:
            store.set_meta("registry_coverage", newest.isoformat())
        store.set_meta("registry_fingerprint", registry_fingerprint(registry))
        store.set_meta("registry_synced_at", now.isoformat(timespec="seconds"))
    return {"organizations": len(org_rows), "releases": len(art_rows),
            "attributions": len(attr_rows)}
