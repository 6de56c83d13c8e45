"""Chart building blocks: a colour-blind-safe palette and Vega-Lite specs via Altair.

Every spec built here reads its rows from the named data set ``"table"`` (the report
feeds the rows in, filtered by the page's selectors) and carries tooltips with exact
values. Sections may use these helpers or build their own Altair chart on
``alt.Chart(alt.NamedData("table"))`` and call :func:`finish`.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from functools import cache
from typing import Any

import altair as alt
import pyarrow as pa

from openrace.report.formatting import D3_NUMBER, D3_SHARE

DATA_NAME = "table"

#: Okabe & Ito (2008) palette, distinguishable under the common colour-vision deficiencies.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermilion
    "#009E73",  # bluish green
    "#E69F00",  # orange
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)
GREY = "#999999"

#: Fixed colours so the US and China look the same in every chart.
COUNTRY_COLOURS: dict[str, str] = {
    "United States": OKABE_ITO[0],
    "China": OKABE_ITO[1],
    "France": OKABE_ITO[2],
    "United Kingdom": OKABE_ITO[3],
    "Germany": OKABE_ITO[4],
    "Canada": OKABE_ITO[5],
    "United Arab Emirates": OKABE_ITO[6],
    "Other": GREY,
    "Other countries": GREY,
    "Unattributed": "#DDDDDD",
}
#: labels of residual groups, drawn after the named ones
RESIDUAL = frozenset({"Other", "Other countries", "Unattributed"})
#: further colours (Paul Tol's muted scheme) for labels without a fixed colour
SPARE_COLOURS: tuple[str, ...] = ("#882255", "#44AA99", "#332288", "#117733", "#AA4499",
                                  "#DDCC77", OKABE_ITO[7])

#: Above this share of the whole, a residual group ("Unattributed") is set aside in share
#: charts: drawn, it would be one grey bar with the groups compared squeezed under it.
ASIDE_ABOVE = 0.5


def dominates(share: float | None) -> bool:
    """Whether a residual group with this share of the whole is set aside."""
    return share is not None and share > ASIDE_ABOVE


ACCESS_COLOURS: dict[str, str] = {
    "open-weights": OKABE_ITO[0],
    "api": OKABE_ITO[3],
    "unreleased": GREY,
}

LICENSE_COLOURS: dict[str, str] = {
    "osi": OKABE_ITO[2],
    "open-restricted": OKABE_ITO[5],
    "non-commercial": OKABE_ITO[6],
    "research-only": OKABE_ITO[4],
    "closed": OKABE_ITO[1],
    "unknown": GREY,
}

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

CONFIG: dict[str, Any] = {
    "font": FONT,
    "view": {"stroke": None},
    "axis": {
        "labelFontSize": 11,
        "titleFontSize": 12,
        "titleFontWeight": 500,
        "labelColor": "#333",
        "titleColor": "#333",
        "gridColor": "#e6e6e6",
        "domainColor": "#888",
        "tickColor": "#888",
    },
    "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom", "columns": 4},
    "header": {"labelFontSize": 12, "titleFontSize": 12},
    "title": {"fontSize": 14, "anchor": "start", "fontWeight": 600},
    "bar": {"discreteBandSize": {"band": 0.85}},
}

WIDTH = 700


def count_axis(**kw: Any) -> alt.Axis:
    """An axis for counts: no fractional tick labels (1.5 releases means nothing)."""
    return alt.Axis(format="~s", tickMinStep=1, labelExpr="datum.value % 1 ? '' : datum.label",
                    **kw)
HEIGHT = 260


def country_name(code: str | None) -> str:
    """A readable country name for an ISO 3166-1 alpha-2 code ("Unattributed" for none)."""
    if code is None or code == "":
        return "Unattributed"
    return _country_name(code)


@cache
def _country_name(code: str) -> str:
    import pycountry

    special = {"XX": "Unattributed", "ZZ": "Other", "EU": "European Union", "TW": "Taiwan",
               "KR": "South Korea", "RU": "Russia", "IR": "Iran", "VN": "Vietnam"}
    if code.upper() in special:
        return special[code.upper()]
    found = pycountry.countries.get(alpha_2=code.upper())
    if found is None:
        return code
    return getattr(found, "common_name", None) or found.name


def colour_scale(labels: Sequence[str], fixed: dict[str, str] | None = None) -> alt.Scale:
    """A colour scale giving each label a stable, colour-blind-safe colour."""
    fixed = COUNTRY_COLOURS if fixed is None else fixed
    domain: list[str] = []
    rng: list[str] = []
    spare = iter(list(SPARE_COLOURS) + [c for c in OKABE_ITO if c not in fixed.values()])
    for label in labels:
        if label in domain:
            continue
        colour = fixed.get(label)
        if colour is None:
            colour = next(spare, GREY)
        domain.append(label)
        rng.append(colour)
    return alt.Scale(domain=domain, range=rng)


def base(height: int = HEIGHT, width: int = WIDTH) -> alt.Chart:
    """An empty chart reading the named data set the report feeds."""
    return alt.Chart(alt.NamedData(name=DATA_NAME)).properties(width=width, height=height)


def finish(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The Vega-Lite spec of ``chart`` with the report's look applied."""
    spec = chart.to_dict(validate=True)
    # the rows of "table" are fed in by the page; other (inline) data sets stay
    spec.get("datasets", {}).pop(DATA_NAME, None)
    spec["config"] = copy.deepcopy(CONFIG) | spec.get("config", {})
    spec["background"] = "white"
    spec["padding"] = 8
    return spec


def order_by_total(data: pa.Table, field: str) -> list[str]:
    """Distinct values of ``field`` ordered by their total ``value`` (largest first)."""
    totals: dict[str, float] = {}
    for row in data.select([field, "value"]).to_pylist():
        key = row[field]
        if key is None:
            continue
        totals[str(key)] = totals.get(str(key), 0.0) + float(row["value"] or 0)
    # residual groups go last, whatever their size
    return sorted(totals, key=lambda k: (k in RESIDUAL, -totals[k], k))


def _tooltip(fields: Sequence[tuple[str, str, str]]) -> list[alt.Tooltip]:
    out = []
    for name, title, kind in fields:
        fmt = D3_NUMBER if kind == "quantitative" else None
        kw = {"format": fmt} if fmt else {}
        out.append(alt.Tooltip(f"{name}:{kind[0].upper()}", title=title, **kw))
    return out


def stacked_bars(
    data: pa.Table,
    *,
    x: str = "period",
    colour: str = "label",
    colour_title: str = "Country",
    y_title: str = "Releases",
    x_title: str = "Quarter",
    facet_row: str | None = None,
    facet_title: str | None = None,
    facet_sort: Sequence[str] | None = None,
    fixed: dict[str, str] | None = None,
    normalize: bool = False,
    height: int = HEIGHT,
    extra_tooltip: Sequence[tuple[str, str, str]] = (),
    aside: str | None = None,
) -> dict[str, Any]:
    """Bars of ``value`` over ``x``, stacked by ``colour`` (optionally one row per facet).

    ``aside`` (normalised bars only) names a ``colour`` value set aside: when it would fill
    most of every bar (typically "Unattributed"), the bars show the shares of the other
    values among themselves, and its own share of the whole is written above each bar
    (``Unattributed: 71%``) instead of being drawn as one large grey segment."""
    if aside is not None and data.num_rows and aside in data.column(colour).to_pylist():
        if not normalize or facet_row:
            raise ValueError("aside= is for normalised bars without facets")
        return _with_aside(data, x=x, colour=colour, colour_title=colour_title,
                           y_title=y_title, x_title=x_title, fixed=fixed, height=height,
                           extra_tooltip=extra_tooltip, aside=aside)
    labels = order_by_total(data, colour)
    y = alt.Y(
        "sum(value):Q",
        title=y_title,
        stack="normalize" if normalize else "zero",
        axis=alt.Axis(format="%") if normalize else count_axis(),
    )
    tips = [(x, x_title, "ordinal"), (colour, colour_title, "nominal")]
    if facet_row:
        tips.append((facet_row, facet_title or facet_row, "nominal"))
    # a tooltip field that varies within one bar segment would split it into stripes
    keys = [x, colour, *([facet_row] if facet_row else [])]
    tips += [t for t in extra_tooltip if _constant_within(data, keys, t[0])]
    enc: dict[str, Any] = {
        "x": alt.X(f"{x}:O", title=x_title, axis=alt.Axis(labelAngle=-45, labelOverlap=True)),
        "y": y,
        "color": alt.Color(f"{colour}:N", title=colour_title, scale=colour_scale(labels, fixed),
                           sort=labels),
        "order": alt.Order("colour_rank:Q"),
        "tooltip": [*_tooltip(tips),
                    alt.Tooltip("sum(value):Q", title=y_title, format=D3_NUMBER)],
    }
    chart = (
        base(height=height if not facet_row else max(120, height // 2))
        .mark_bar()
        .transform_calculate(colour_rank=_rank_expr(colour, labels))
        .encode(**enc)
    )
    if facet_row:
        chart = chart.facet(row=alt.Row(
            f"{facet_row}:N", title=None, sort=list(facet_sort) if facet_sort else "ascending",
            header=alt.Header(labelAngle=0, labelAlign="left", labelFontWeight=600,
                              labelOrient="top", labelPadding=2)))
    return finish(chart)


def _with_aside(data: pa.Table, *, x: str, colour: str, colour_title: str, y_title: str,
                x_title: str, fixed: dict[str, str] | None, height: int,
                extra_tooltip: Sequence[tuple[str, str, str]], aside: str) -> dict[str, Any]:
    """Normalised stacked bars without ``aside``, with its share of each bar's whole
    stated above the bar (computed by Vega-Lite from the same rows, so the page's
    selectors keep it right)."""
    import json

    labels = [v for v in order_by_total(data, colour) if v != aside]
    keys = [x, colour]
    tips = [(x, x_title, "ordinal"), (colour, colour_title, "nominal")]
    tips += [t for t in extra_tooltip if _constant_within(data, keys, t[0])]
    is_aside = f"datum[{json.dumps(colour)}] === {json.dumps(aside)}"
    of_attributed = f"{y_title} ({aside.lower()} set aside)" if y_title else ""
    bars = (
        base(height=height)
        .transform_filter(f"!({is_aside})")
        .transform_calculate(colour_rank=_rank_expr(colour, labels))
        .mark_bar()
        .encode(
            x=alt.X(f"{x}:O", title=x_title, axis=alt.Axis(labelAngle=-45, labelOverlap=True)),
            y=alt.Y("sum(value):Q", title=of_attributed, stack="normalize",
                    axis=alt.Axis(format="%")),
            color=alt.Color(f"{colour}:N", title=colour_title,
                            scale=colour_scale(labels, fixed), sort=labels),
            order=alt.Order("colour_rank:Q"),
            tooltip=[*_tooltip(tips),
                     alt.Tooltip("sum(value):Q", title=y_title, format=D3_NUMBER)],
        )
    )
    note = (
        base(height=height)
        .transform_joinaggregate(whole="sum(value)", groupby=[x])
        .transform_filter(is_aside)
        .transform_aggregate(part="sum(value)", whole="max(whole)", groupby=[x])
        .transform_calculate(aside_share="datum.whole ? datum.part / datum.whole : 0",
                             note=f"{json.dumps(aside + ': ')} + format(datum.aside_share, '.0%')")
        .mark_text(baseline="bottom", dy=-4, fontSize=11, color="#444")
        .encode(
            x=alt.X(f"{x}:O"),
            y=alt.value(0),
            text=alt.Text("note:N"),
            tooltip=[alt.Tooltip(f"{x}:O", title=x_title),
                     alt.Tooltip("aside_share:Q", title=f"{aside}, share of all",
                                 format=D3_SHARE)],
        )
    )
    spec = finish(alt.layer(bars, note))
    spec["usermeta"] = {"openrace_aside": aside}
    return spec


def _constant_within(data: pa.Table, keys: Sequence[str], field: str) -> bool:
    """Whether ``field`` has one value within every group of ``keys``."""
    if field not in data.column_names:
        return False
    seen: dict[tuple[Any, ...], Any] = {}
    for row in data.select([*keys, field]).to_pylist():
        k = tuple(row[c] for c in keys)
        if seen.setdefault(k, row[field]) != row[field]:
            return False
    return True


def _rank_expr(field: str, labels: Sequence[str]) -> str:
    """A Vega expression giving each label its position (so stacks keep one order)."""
    import json

    return f"indexof({json.dumps(list(labels))}, datum[{json.dumps(field)}])"


def lines(
    data: pa.Table,
    *,
    x: str = "period",
    colour: str = "label",
    colour_title: str = "Country",
    y_title: str = "Value",
    x_title: str = "Year",
    y_format: str = "~s",
    fixed: dict[str, str] | None = None,
    height: int = HEIGHT,
) -> dict[str, Any]:
    """One line (with points) per ``colour`` value over ``x``."""
    labels = order_by_total(data, colour)
    fmt = ".1%" if y_format == "%" else D3_NUMBER
    chart = (
        base(height=height)
        .mark_line(point=alt.OverlayMarkDef(size=40, filled=True), strokeWidth=2)
        .encode(
            x=alt.X(f"{x}:O", title=x_title, axis=alt.Axis(labelAngle=0, labelOverlap=True)),
            y=alt.Y("value:Q", title=y_title, axis=alt.Axis(format=y_format)),
            color=alt.Color(f"{colour}:N", title=colour_title,
                            scale=colour_scale(labels, fixed), sort=labels),
            tooltip=[
                alt.Tooltip(f"{x}:O", title=x_title),
                alt.Tooltip(f"{colour}:N", title=colour_title),
                alt.Tooltip("value:Q", title=y_title, format=fmt),
            ],
        )
    )
    return finish(chart)


def ranked_bars(
    data: pa.Table,
    *,
    category: str = "label",
    category_title: str = "Organisation",
    colour: str | None = "country_label",
    colour_title: str = "Country",
    x_title: str = "Releases",
    fixed: dict[str, str] | None = None,
    limit: int = 20,
) -> dict[str, Any]:
    """Horizontal bars, largest first (top ``limit`` categories after filtering)."""
    labels = order_by_total(data, colour) if colour else []
    enc: dict[str, Any] = {
        "y": alt.Y(f"{category}:N", title=None, sort="-x",
                   axis=alt.Axis(labelLimit=220)),
        "x": alt.X("total:Q", title=x_title, axis=count_axis()),
        "tooltip": [
            alt.Tooltip(f"{category}:N", title=category_title),
            *([alt.Tooltip(f"{colour}:N", title=colour_title)] if colour else []),
            alt.Tooltip("total:Q", title=x_title, format=D3_NUMBER),
        ],
    }
    if colour:
        enc["color"] = alt.Color(f"{colour}:N", title=colour_title,
                                 scale=colour_scale(labels, fixed), sort=labels)
    group = [category, *([colour] if colour else [])]
    chart = (
        base(height=alt.Step(18))  # type: ignore[arg-type]
        .transform_aggregate(total="sum(value)", groupby=group)
        .transform_window(rank="row_number()", sort=[alt.SortField("total", order="descending")])
        .transform_filter(f"datum.rank <= {int(limit)}")
        .mark_bar()
        .encode(**enc)
    )
    return finish(chart)


def heat(
    data: pa.Table,
    *,
    x: str = "license_class",
    y: str = "label",
    x_title: str = "Licence class",
    y_title: str = "Country",
    value_title: str = "Releases",
    x_sort: Sequence[str] | None = None,
) -> dict[str, Any]:
    """A table-like heatmap of ``value`` by ``x`` and ``y`` with the numbers written in."""
    y_order = order_by_total(data, y)
    b = base(height=alt.Step(22), width=alt.Step(90))  # type: ignore[arg-type]
    enc_x = alt.X(f"{x}:N", title=x_title, sort=list(x_sort) if x_sort else None,
                  axis=alt.Axis(labelAngle=0, orient="top"))
    enc_y = alt.Y(f"{y}:N", title=y_title, sort=y_order)
    rect = b.mark_rect().encode(
        x=enc_x,
        y=enc_y,
        color=alt.Color("sum(value):Q", title=value_title,
                        scale=alt.Scale(scheme="blues", type="sqrt"), legend=None),
        tooltip=[alt.Tooltip(f"{y}:N", title=y_title), alt.Tooltip(f"{x}:N", title=x_title),
                 alt.Tooltip("sum(value):Q", title=value_title, format=D3_NUMBER)],
    )
    text = b.mark_text(fontSize=11).encode(
        x=enc_x,
        y=enc_y,
        text=alt.Text("sum(value):Q", format=D3_NUMBER),
        color=alt.condition("datum['sum_value'] > 20", alt.value("white"), alt.value("#222")),
    )
    return finish(alt.layer(rect, text))
