"""Write the validated registry into the store (organisations, releases, attributions)."""

from __future__ import annotations

import hashlib
import json

from openrace.openness import Components, license_class, meets_osaid, mof_class
from openrace.registry.loader import Registry
from openrace.store import Store, utcnow


def registry_fingerprint(registry: Registry) -> str:
    """A short hash of the registry content, recorded in the store for provenance."""
    h = hashlib.sha256()
    for o in sorted(registry.organizations, key=lambda o: o.id):
        h.update(o.model_dump_json().encode())
    for r in sorted(registry.releases, key=lambda r: r.id):
        h.update(r.model_dump_json().encode())
    return h.hexdigest()[:16]


def sync_registry(store: Store, registry: Registry) -> dict[str, int]:
    """Make the store's registry rows equal to ``registry``, in one transaction.

    Organisations are upserted (and ones no longer in the registry removed); each release
    becomes an artifact ``registry:release:<id>`` with ``registry`` attributions of weight
    1/n to each of its n organisations. Idempotent. Returns counts written.
    """
    now = utcnow()
    org_rows = []
    for o in registry.organizations:
        root = registry.root(o.id)
        org_rows.append({
            **o.model_dump(),
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
        store.con.execute("DELETE FROM organizations")
        store.upsert("organizations", org_rows, ["id"])
        stale = store.con.execute(
            "SELECT artifact_id FROM artifacts WHERE source = 'registry' AND kind = 'release' "
            "AND artifact_id NOT IN (SELECT unnest(?))", [ids]
        ).fetchall()
        if stale:
            gone = [s[0] for s in stale]
            store.con.execute("DELETE FROM attributions WHERE artifact_id IN (SELECT unnest(?))",
                              [gone])
            store.con.execute("DELETE FROM artifacts WHERE artifact_id IN (SELECT unnest(?))",
                              [gone])
        store.upsert("artifacts", art_rows, ["artifact_id"], keep=["first_seen"])
        store.replace_attributions(ids, ["registry"], attr_rows)
        store.set_meta("registry_fingerprint", registry_fingerprint(registry))
        store.set_meta("registry_synced_at", now.isoformat(timespec="seconds"))
    return {"organizations": len(org_rows), "releases": len(art_rows),
            "attributions": len(attr_rows)}
