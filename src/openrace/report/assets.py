"""The report's inlined assets: Vega, Vega-Lite and vega-embed, CSS and the page script.

The JavaScript libraries come from the installed ``vl-convert-python`` package, which
bundles Vega, Vega-Lite and vega-embed (the same mechanism Altair uses for
``chart.save(..., inline=True)``), so the report needs no CDN and opens offline.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import altair as alt
import vl_convert as vlc

_SCRIPT_CLOSE = re.compile(r"</(script)", re.IGNORECASE)


def vegalite_version() -> str:
    """The Vega-Lite minor version to bundle: Altair's, if vl-convert ships it."""
    wanted = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]
    available = vlc.get_vegalite_versions()
    return wanted if wanted in available else available[-1]


@cache
def vega_bundle() -> str:
    """Vega + Vega-Lite + vega-embed as one script (defines ``window.vegaEmbed``)."""
    js = vlc.javascript_bundle(vl_version=vegalite_version())
    return script_safe(js)


def script_safe(js: str) -> str:
    """JavaScript made safe to inline in a ``<script>`` element (no ``</script``)."""
    return _SCRIPT_CLOSE.sub(r"<\\/\1", js)


def static_text(name: str) -> str:
    """A file from ``openrace/report/static``."""
    return resources.files("openrace.report").joinpath("static", name).read_text("utf-8")


def library_versions() -> dict[str, str]:
    """Versions of the bundled charting libraries (for the provenance section)."""
    return {
        "vega": vlc.get_vega_version(),
        "vega-lite": vegalite_version(),
        "vega-embed": vlc.get_vega_embed_version(),
        "altair": alt.__version__,
    }
