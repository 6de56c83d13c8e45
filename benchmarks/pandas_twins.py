"""A straightforward pandas implementation of the catalogue's metrics: the baseline an
analyst would write, reading the store's tables from Parquet.

Each twin takes the loaded frames, ``by``, ``period`` and the metric's options and returns
a frame with the same tidy columns as the catalogue (``period``, ``group``, dims, ``value``).
The benchmark checks that both give the same numbers before comparing their cost.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

OPEN = "open-weights"


class Frames:
    """Tables read from ``<dir>/<table>.parquet`` with pandas, on first use."""

    COLUMNS: ClassVar[dict[str, list[str]]] = {
        "artifacts": [
            "artifact_id",
            "source",
            "kind",
            "created",
            "access",
            "license_class",
            "mof_class",
            "osaid",
        ],
        "attributions": ["artifact_id", "org_id", "country", "weight", "method", "detail"],
        "organizations": ["id", "name", "country", "owner_country", "root_org", "sector"],
        "observations": ["artifact_id", "metric", "value", "observed_at", "run_id"],
        "lineage": ["child_id", "parent_id", "relation"],
        "aggregates": ["source", "measure", "period", "country", "segment", "value", "run_id"],
    }

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._cache: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._cache:
            self._cache[name] = pd.read_parquet(
                self.directory / f"{name}.parquet", columns=self.COLUMNS.get(name)
            )
        return self._cache[name]


def period_labels(ts: pd.Series, period: str) -> pd.Series:
    """2024 / 2024Q3 / 2024-07 labels of a timestamp column."""
    year = ts.dt.year.astype(str)
    if period == "year":
        return year
    if period == "quarter":
        return year + "Q" + ts.dt.quarter.astype(str)
    return year + "-" + ts.dt.month.astype(str).str.zfill(2)


def release_units(
    f: Frames, by: str, period: str, opts: dict[str, str], dims: tuple[str, ...] = ()
) -> pd.DataFrame:
    """One row per (period, group, release, dims): weight and is_open / is_osaid."""
    a = f["artifacts"]
    a = a[a["kind"] == "release"]
    at = f["attributions"]
    at = at[at["method"] == "registry"]
    o = f["organizations"].rename(columns={"id": "org_key", "country": "org_country"})
    j = a.merge(at, on="artifact_id").merge(o, left_on="org_id", right_on="org_key", how="left")
    if by == "country":
        if opts.get("country_rule", "owner") == "owner":
            j["group"] = j["owner_country"].fillna(j["country"])
        else:
            j["group"] = j["country"].fillna(j["org_country"])
    elif by == "org":
        j["group"] = (
            j["root_org"].fillna(j["org_id"]) if opts.get("org_level") == "root" else j["org_id"]
        )
    elif by == "sector":
        j["group"] = j["sector"]
    else:
        j["group"] = "all"
    j["is_open"] = (j["access"] == OPEN).astype("int64")
    j["is_osaid"] = j["osaid"].fillna(False).astype("int64")
    if "access" in dims:
        j["access"] = j["is_open"].map({1: "open", 0: "closed"})
    if "license_class" in dims:
        j["license_class"] = j["license_class"].fillna("unknown")
    if "mof_class" in dims:
        j["mof_class"] = ("Class " + j["mof_class"]).fillna("ungraded")
    keys = ["group", "artifact_id", *dims]
    if period != "none":
        j["period"] = period_labels(j["created"], period)
        keys = ["period", *keys]
    j = j[j["group"].notna()]
    return j.groupby(keys, as_index=False).agg(
        weight=("weight", "sum"), is_open=("is_open", "max"), is_osaid=("is_osaid", "max")
    )


def _count(u: pd.DataFrame, keys: list[str], opts: dict[str, str]) -> pd.DataFrame:
    if opts.get("counting", "whole") == "whole":
        return u.groupby(keys, as_index=False).size().rename(columns={"size": "value"})
    return u.groupby(keys, as_index=False)["weight"].sum().rename(columns={"weight": "value"})


def _keys(period: str, dims: tuple[str, ...] = ()) -> list[str]:
    return (["period"] if period != "none" else []) + ["group", *dims]


def releases(f: Frames, by: str, period: str, opts: dict[str, str]) -> pd.DataFrame:
    u = release_units(f, by, period, opts, ("access",))
    return _count(u, _keys(period, ("access",)), opts)


def open_releases(f: Frames, by: str, period: str, opts: dict[str, str]) -> pd.DataFrame:
    u = release_units(f, by, period, opts)
    return _count(u[u["is_open"] == 1], _keys(period), opts)


def _share(u: pd.DataFrame, flag: str, keys: list[str], opts: dict[str, str]) -> pd.DataFrame:
    if opts.get("counting", "whole") == "whole":
        g = u.groupby(keys, as_index=False)[flag].mean()
        return g.rename(columns={flag: "value"})
    u = u.assign(num=u["weight"] * u[flag])
    g = u.groupby(keys, as_index=False)[["num", "weight"]].sum()
    g["value"] = g["num"] / g["weight"]
    return g[[*keys, "value"]]


def open_share(f: Frames, by: str, period: str, opts: dict[str, str]) -> pd.DataFrame:
    return _share(release_units(f, by, period, opts), "is_open", _keys(period), opts)


def release_licenses(f: Frames, by: str, period: str, opts: dict[str, str]) -> pd.DataFrame:
    u = release_units(f, by, period, opts, ("license_class",))
    return _count(u, _keys(period, ("license_class",)), opts)


def release_mof(f: Frames, by: str, period: str, opts: dict[str, str]) -> pd.DataFrame:
    u = release_units(f, by, period, opts, ("mof_class",))
    return _count(u[u["is_open"] == 1], _keys(period, ("mof_class",)), opts)


def osaid_share(f: Frames, by: str, period: str, opts: dict[str, str]) -> pd.DataFrame:
    u = release_units(f, by, period, opts)
    return _share(u[u["is_open"] == 1], "is_osaid", _keys(period), opts)


def leading_orgs(f: Frames, by: str, period: str, opts: dict[str, str]) -> pd.DataFrame:
    u = release_units(f, "org", period, opts, ("access",))
    agg = _count(u, _keys(period, ("access",)), opts)
    o = f["organizations"]
    rule = "owner_country" if opts.get("country_rule", "owner") == "owner" else "country"
    names = o[["id", "name", rule]].rename(columns={"id": "group", rule: "country"})
    out = agg.merge(names, on="group", how="left")
    return out[[*_keys(period), "name", "country", "access", "value"]]


# -- Hub metrics (default options: attribution=origin, quantisations included, 30-day
# downloads, whole counting, owner country) ----------------------------------------------


def _group(j: pd.DataFrame, by: str, rule: str = "owner") -> pd.Series:
    if by == "country":
        g = j["owner_country"].fillna(j["country"]) if rule == "owner" else j["country"]
        return g.fillna("XX")
    if by == "org":
        return j["org_id"].fillna("unattributed")
    if by == "sector":
        return j["sector"].fillna("unattributed")
    return pd.Series("all", index=j.index)


def hub_units(
    f: Frames, by: str, kind: str = "model", rule: str = "origin", derivatives_only: bool = False
) -> pd.DataFrame:
    """One row per (group, Hub artifact): weight and creation time."""
    a = f["artifacts"]
    a = a.loc[(a["source"] == "hf") & (a["kind"] == kind), ["artifact_id", "created"]]
    at = f["attributions"]
    own = at["method"].isin(["registry", "unattributed"])
    inh = at["method"] == "inherited"
    if derivatives_only:
        att = at[inh]
    elif rule == "origin" and kind == "model":
        inherited = set(at.loc[inh, "artifact_id"])
        att = at[inh | (own & ~at["artifact_id"].isin(inherited))]
    else:
        att = at[own]
    att = att[["artifact_id", "org_id", "country", "weight"]]
    o = f["organizations"][["id", "owner_country", "sector"]]
    j = a.merge(att, on="artifact_id").merge(o, left_on="org_id", right_on="id", how="left")
    j["group"] = _group(j, by)
    return j.groupby(["group", "artifact_id"], as_index=False).agg(
        weight=("weight", "sum"), created=("created", "min")
    )


def latest_observations(f: Frames, period: str, metric: str) -> pd.DataFrame:
    """Each model's value of ``metric`` in its latest harvest (per period)."""
    o = f["observations"]
    o = o[(o["metric"] == metric) & o["artifact_id"].str.startswith("hf:model:")]
    keys = ["artifact_id"]
    if period != "none":
        o = o.assign(period=period_labels(o["observed_at"], period))
        keys = ["period", "artifact_id"]
    o = o.sort_values("run_id").drop_duplicates(keys, keep="last")
    return o[[*keys, "value"]]


def _observed(f: Frames, by: str, period: str, metric: str) -> pd.DataFrame:
    j = hub_units(f, by).merge(latest_observations(f, period, metric), on="artifact_id")
    return j.groupby(_keys(period), as_index=False)["value"].sum()


def hub_downloads(f: Frames, by: str, period: str, opts: dict[str, str]) -> pd.DataFrame:
    return _observed(f, by, period, "downloads_30d")


def hub_likes(f: Frames, by: str, period: str, opts: dict[str, str]) -> pd.DataFrame:
    return _observed(f, by, period, "likes")


def hub_download_share(f: Frames, by: str, period: str, opts: dict[str, str]) -> pd.DataFrame:
    u = hub_units(f, by)
    obs = latest_observations(f, period, "downloads_30d")
    j = u.merge(obs, on="artifact_id")
    j["part"] = j["value"] * j["weight"]
    keys = _keys(period)
    part = j.groupby(keys, as_index=False)["part"].sum()
    tot = obs[obs["artifact_id"].isin(set(u["artifact_id"]))]
    if period != "none":
        total = (
            tot.groupby("period", as_index=False)["value"].sum().rename(columns={"value": "total"})
        )
        r = part.merge(total, on="period")
    else:
        r = part.assign(total=tot["value"].sum())
    r["value"] = (r["part"] / r["total"]).where(r["total"] > 0)
    return r[[*keys, "value"]]


def _created(u: pd.DataFrame, period: str, dims: tuple[str, ...] = ()) -> pd.DataFrame:
    if period != "none":
        u = u.assign(period=period_labels(u["created"], period))
    return u.groupby(_keys(period, dims), as_index=False).size().rename(columns={"size": "value"})


def hub_models(f: Frames, by: str, period: str, opts: dict[str, str]) -> pd.DataFrame:
    return _created(hub_units(f, by), period)


def hub_datasets(f: Frames, by: str, period: str, opts: dict[str, str]) -> pd.DataFrame:
    return _created(hub_units(f, by, "dataset", rule="own"), period)


def _relations(f: Frames) -> pd.DataFrame:
    lin = f["lineage"]
    order = ["quantized", "adapter", "merge", "finetune"]
    rank = lin["relation"].map({r: i for i, r in enumerate(order)}).fillna(len(order))
    best = lin.assign(rank=rank).groupby("child_id", as_index=False)["rank"].min()
    best["relation"] = best["rank"].map(dict(enumerate([*order, "unknown"])))
    return best.rename(columns={"child_id": "artifact_id"})[["artifact_id", "relation"]]


def hub_derivatives(f: Frames, by: str, period: str, opts: dict[str, str]) -> pd.DataFrame:
    u = hub_units(f, by, derivatives_only=True).merge(_relations(f), on="artifact_id")
    return _created(u, period, ("relation",))


def hub_derivative_share(f: Frames, by: str, period: str, opts: dict[str, str]) -> pd.DataFrame:
    u = hub_units(f, by, derivatives_only=True)
    if period != "none":
        u = u.assign(period=period_labels(u["created"], period))
    keys = _keys(period)
    part = u.groupby(keys, as_index=False)["weight"].sum()
    if period != "none":
        total = part.groupby("period")["weight"].transform("sum")
    else:
        total = part["weight"].sum()
    part["value"] = part["weight"] / total
    return part[[*keys, "value"]]


# -- research metrics (default options: primary selection, every segment, top-n tier,
# whole counting, location of the institution) -------------------------------------------


def _aggregates(f: Frames, measure: str, segment: str | None = None) -> pd.DataFrame:
    a = f["aggregates"]
    a = a[(a["source"] == "openalex") & (a["measure"] == measure)]
    if segment is not None:
        a = a[a["segment"] == segment]
    a = a.sort_values("run_id").drop_duplicates(["period", "country", "segment"], keep="last")
    return a[["period", "country", "segment", "value"]]


def ai_papers(f: Frames, by: str, period: str, opts: dict[str, str]) -> pd.DataFrame:
    rows = _aggregates(f, "ai_works", "all")
    if by == "none":
        rows = rows[rows["country"] == "all"].assign(group="all")
    else:
        rows = rows[rows["country"] != "all"].assign(group=lambda d: d["country"])
    if period == "none":
        return rows.groupby("group", as_index=False)["value"].sum()
    return rows[["period", "group", "value"]]


def ai_papers_share(f: Frames, by: str, period: str, opts: dict[str, str]) -> pd.DataFrame:
    rows = _aggregates(f, "ai_works", "all")
    world = rows.loc[rows["country"] == "all", ["period", "value"]].rename(
        columns={"value": "world"}
    )
    j = rows[rows["country"] != "all"].merge(world, on="period")
    j = j[j["world"] > 0]
    return pd.DataFrame(
        {"period": j["period"], "group": j["country"], "value": j["value"] / j["world"]}
    )


def coauthored_share(f: Frames, by: str, period: str, opts: dict[str, str]) -> pd.DataFrame:
    pair = _aggregates(f, "ai_works_coauthored")
    pair = pair.loc[pair["country"].isin(["US", "CN"]), ["period", "country", "value"]]
    own = _aggregates(f, "ai_works", "all")
    j = own.merge(pair.rename(columns={"value": "pair"}), on=["period", "country"])
    j = j[j["value"] > 0]
    return pd.DataFrame(
        {"period": j["period"], "group": j["country"], "value": j["pair"] / j["value"]}
    )


def coauthored_papers(f: Frames, by: str, period: str, opts: dict[str, str]) -> pd.DataFrame:
    pair = _aggregates(f, "ai_works_coauthored")
    rows = pair[pair["country"] == "US"].assign(group="all")
    if period == "none":
        return rows.groupby("group", as_index=False)["value"].sum()
    return rows[["period", "group", "value"]]


def top_works(f: Frames) -> pd.DataFrame:
    o = f["observations"]
    o = o[o["metric"] == "cited_rank"].sort_values("run_id")
    ranks = o.drop_duplicates("artifact_id", keep="last")[["artifact_id", "value"]]
    a = f["artifacts"]
    a = a.loc[(a["source"] == "openalex") & (a["kind"] == "work"), ["artifact_id", "created"]]
    return a.merge(ranks.rename(columns={"value": "rank"}), on="artifact_id")


def work_units(f: Frames, by: str, period: str) -> pd.DataFrame:
    w = top_works(f)
    at = f["attributions"]
    at = at.loc[
        at["method"].isin(["affiliation", "unattributed"]),
        ["artifact_id", "org_id", "country", "weight"],
    ]
    o = f["organizations"][["id", "sector"]]
    j = w.merge(at, on="artifact_id").merge(o, left_on="org_id", right_on="id", how="left")
    if by == "country":
        j["group"] = j["country"]
    elif by == "org":
        j["group"] = j["org_id"]
    elif by == "sector":
        j["group"] = j["sector"]
    else:
        j["group"] = "all"
    keys = ["group", "artifact_id"]
    if period != "none":
        j["period"] = period_labels(j["created"], period)
        keys = ["period", *keys]
    j = j[j["group"].notna()]
    return j.groupby(keys, as_index=False)["weight"].sum()


def top_cited_papers(f: Frames, by: str, period: str, opts: dict[str, str]) -> pd.DataFrame:
    u = work_units(f, by, period)
    return u.groupby(_keys(period), as_index=False).size().rename(columns={"size": "value"})


def top_cited_share(f: Frames, by: str, period: str, opts: dict[str, str]) -> pd.DataFrame:
    num = top_cited_papers(f, by, period, opts)
    w = top_works(f)
    if period != "none":
        w = w.assign(period=period_labels(w["created"], period))
        den = w.groupby("period", as_index=False).size().rename(columns={"size": "n"})
        j = num.merge(den, on="period")
    else:
        j = num.assign(n=len(w))
    j["value"] = j["value"] / j["n"]
    return j[[*_keys(period), "value"]]


TWINS: dict[str, Callable[[Frames, str, str, dict[str, str]], pd.DataFrame]] = {
    "releases": releases,
    "open_releases": open_releases,
    "open_share": open_share,
    "release_licenses": release_licenses,
    "leading_orgs": leading_orgs,
    "release_mof": release_mof,
    "osaid_share": osaid_share,
    "hub_downloads": hub_downloads,
    "hub_download_share": hub_download_share,
    "hub_likes": hub_likes,
    "hub_models": hub_models,
    "hub_derivatives": hub_derivatives,
    "hub_derivative_share": hub_derivative_share,
    "hub_datasets": hub_datasets,
    "ai_papers": ai_papers,
    "ai_papers_share": ai_papers_share,
    "coauthored_share": coauthored_share,
    "coauthored_papers": coauthored_papers,
    "top_cited_papers": top_cited_papers,
    "top_cited_share": top_cited_share,
}


def evaluate(f: Frames, name: str, by: str, period: str, opts: dict[str, str]) -> Any:
    """Run the pandas twin of metric ``name``."""
    return TWINS[name](f, by, period, opts)
