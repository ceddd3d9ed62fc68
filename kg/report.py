"""``kg report``: one self-contained HTML page about the selected incidents.

- a map (folium, i.e. Leaflet) with one circle per located incident, its area growing with the
  best fatality estimate; Leaflet's JS and CSS are inlined from ``kg/data`` so the data layer
  needs no network, and an OpenStreetMap tile layer is added that simply stays blank offline;
- a timeline of incidents and fatalities per day by ACLED event type (Altair/Vega-Lite), with
  the vega/vega-lite/vega-embed bundle that ``vl-convert-python`` ships inlined;
- the actor network (networkx): an arrow from each agent to each target or victim of the same
  incident, drawn as inline SVG;
- a table in which each incident lists its reports: outlet, date, URL, the source cited, and
  the sentence with its trigger marked, with the IRIs of incident and sentence.
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from kg import __version__
from kg.incident_view import Incident, Report
from kg.store import atomic_output

TILES = "OpenStreetMap"
COLOURS = {
    "Battles": "#d62728",
    "Explosions/Remote violence": "#ff7f0e",
    "Violence against civilians": "#9467bd",
    "Protests": "#1f77b4",
    "Riots": "#17becf",
    "Strategic developments": "#2ca02c",
}
OTHER_COLOUR = "#7f7f7f"
MARKER_CLASS = "kg-incident"  # every incident circle on the map carries this class


def write_report(incidents: list[Incident], path: Path) -> int:
    page = render_report(incidents)
    with atomic_output(path) as tmp:
        Path(tmp).write_text(page, encoding="utf-8")
    return len(incidents)


def render_report(incidents: list[Incident], title: str = "Conflict incidents") -> str:
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(autoescape=True, keep_trailing_newline=True)
    template = env.from_string(_data_text("report.html.j2"))
    pieces = map_pieces(incidents)
    svg, caption = network_svg(incidents)
    return template.render(
        title=title,
        version=__version__,
        summary=summary_line(incidents),
        leaflet_css=Markup(_data_text("leaflet-1.9.4.css")),
        leaflet_js=Markup(_data_text("leaflet-1.9.4.js")),
        vega_js=Markup(vega_bundle()),
        map_header=Markup(pieces["header"]),
        map_html=Markup(pieces["html"]),
        map_script=Markup(pieces["script"]),
        located=sum(1 for i in incidents if i.coordinates),
        incidents=incidents,
        legend=_legend(incidents),
        timeline_spec=Markup(_script_json(timeline_spec(incidents))),
        network_svg=Markup(svg),
        network_caption=caption,
        rows=[table_row(n, i) for n, i in enumerate(incidents, start=1)],
    )


def summary_line(incidents: list[Incident]) -> str:
    periods = [i.period for i in incidents if i.period]
    span = f"from {min(p[0] for p in periods)} to {max(p[1] for p in periods)}" if periods else ""
    outlets = {o for i in incidents for o in i.outlets}
    best = sum(i.fatalities[1] or 0 for i in incidents)
    several = sum(1 for i in incidents if (i.outlet_count or len(i.outlets)) >= 2)
    return (
        f"{len(incidents)} incidents {span}, {sum(len(i.reports) for i in incidents)} reports "
        f"from {len(outlets)} outlets ({several} incidents reported by two or more); "
        f"{best} fatalities by the best estimates."
    )


def _legend(incidents: list[Incident]) -> list[tuple[str, str]]:
    present = {event_type(i) for i in incidents}
    legend = [(name, colour) for name, colour in COLOURS.items() if name in present]
    if present - set(COLOURS):
        legend.append(("no ACLED event type", OTHER_COLOUR))
    return legend


def event_type(incident: Incident) -> str:
    cls = incident.event_class
    return cls.acled_event_type or (cls.label_en or cls.name)


def anchor(number: int) -> str:
    return f"incident-{number}"


# -- map --------------------------------------------------------------------------------------


def marker_radius(fatalities: int | None) -> float:
    """Pixels: a circle's area grows with the toll (6 px with none, 30 px at most)."""
    return round(min(30.0, 6.0 + 3.0 * math.sqrt(fatalities or 0)), 1)


def map_pieces(incidents: list[Incident]) -> dict[str, str]:
    """The folium map as head, body and script parts, without any CDN link."""
    import folium

    located = [(n, i) for n, i in enumerate(incidents, start=1) if i.coordinates]
    lats = [i.coordinates[0] for _, i in located if i.coordinates]
    lons = [i.coordinates[1] for _, i in located if i.coordinates]
    centre = [sum(lats) / len(lats), sum(lons) / len(lons)] if located else [33.0, 38.0]
    fmap = folium.Map(location=centre, zoom_start=5, tiles=None, height=458, control_scale=True)
    fmap.default_js, fmap.default_css = [], []  # Leaflet is inlined by the page itself
    folium.TileLayer(TILES).add_to(fmap)
    popups = []  # bound with Leaflet's own bindPopup: folium's Popup needs jQuery
    for number, incident in located:
        assert incident.coordinates is not None
        colour = COLOURS.get(event_type(incident), OTHER_COLOUR)
        marker = folium.CircleMarker(
            location=list(incident.coordinates),
            radius=marker_radius(incident.fatalities[1]),
            color=colour,
            fill=True,
            fill_color=colour,
            fill_opacity=0.55,
            weight=1.5,
            class_name=MARKER_CLASS,
            tooltip=f"{incident.date or ''} {incident.event_class.label_en or ''}",
        ).add_to(fmap)
        popups.append(f"{marker.get_name()}.bindPopup({_script_json(_popup(number, incident))});")
    if len(located) > 1:
        fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(30, 30))
    figure: Any = fmap.get_root()  # a branca Figure: its header, body and script
    figure.render()
    parts = {
        "header": figure.header.render(),
        "html": figure.html.render(),
        "script": figure.script.render() + "\n" + "\n".join(popups),
    }
    return _numbered_names(parts)


_RANDOM_NAME = re.compile(r"\b([a-z_]+)_([0-9a-f]{32})\b")


def _numbered_names(parts: dict[str, str]) -> dict[str, str]:
    """folium names its elements with random hex; number them in order of appearance instead,
    so the same incidents always give the same page."""
    numbers: dict[str, str] = {}

    def number(match: re.Match[str]) -> str:
        key = match.group(2)
        numbers.setdefault(key, str(len(numbers) + 1))
        return f"{match.group(1)}_{numbers[key]}"

    return {name: _RANDOM_NAME.sub(number, text) for name, text in parts.items()}


def _popup(number: int, incident: Incident) -> str:
    best = incident.fatalities[1]
    place = incident.place.label_ar or incident.place.label if incident.place else ""
    toll = "" if best is None else f"<br>fatalities {_toll(incident.fatalities)}"
    return (
        f"<b>{html.escape(incident.event_class.label_en or incident.event_class.name)}</b>"
        f"<br>{html.escape(incident.date or '')} · <span dir='rtl'>{html.escape(place)}</span>"
        f"{toll}<br>{len(incident.reports)} reports, {len(incident.outlets)} outlets"
        f"<br><a href='#{anchor(number)}'>sentences and sources</a>"
    )


def _toll(toll: tuple[int | None, int | None, int | None]) -> str:
    if all(v is None for v in toll):
        return ""
    return " / ".join("–" if v is None else str(v) for v in toll)


# -- timeline ---------------------------------------------------------------------------------


def timeline_spec(incidents: list[Incident]) -> dict[str, Any]:
    """Vega-Lite: incidents per day, then fatalities (best) per day, coloured by event type."""
    import altair as alt

    rows: list[dict[str, Any]] = [
        {
            "day": i.period[0].isoformat(),
            "event_type": event_type(i),
            "fatalities": i.fatalities[1] or 0,
            "incident": i.iri,
        }
        for i in incidents
        if i.period
    ]
    names = sorted({event_type(i) for i in incidents if i.period})
    colour = alt.Color(
        "event_type:N",
        title="event type",
        scale=alt.Scale(domain=names, range=[COLOURS.get(n, OTHER_COLOUR) for n in names]),
    )
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("yearmonthdate(day):T", title="day"), color=colour
    )
    count = base.mark_bar().encode(
        y=alt.Y("count():Q", title="incidents"), tooltip=["day:T", "event_type:N", "count():Q"]
    )
    deaths = base.mark_bar().encode(
        y=alt.Y("sum(fatalities):Q", title="fatalities (best)"),
        tooltip=["day:T", "event_type:N", "sum(fatalities):Q"],
    )
    chart = alt.vconcat(
        count.properties(width=860, height=150), deaths.properties(width=860, height=150)
    )
    return chart.to_dict()


@lru_cache(maxsize=1)
def vega_bundle() -> str:
    """vega, vega-lite and vega-embed as one script, from ``vl-convert-python``, for the
    Vega-Lite version that the installed Altair writes."""
    import vl_convert
    from altair.utils._importers import vl_version_for_vl_convert

    # the stub wants a snippet; without one the bundle sets window.vegaEmbed, as Altair uses it
    bundle = vl_convert.javascript_bundle(vl_version=vl_version_for_vl_convert())  # type: ignore[call-arg]
    # its top-level names (one of them is L) would overwrite Leaflet's global: keep them inside
    return "(function () {\n" + bundle + "\n})();"


def _script_json(value: object) -> str:
    """JSON safe inside a <script> element."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


# -- actor network ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Box:
    width: int = 900
    height: int = 420
    margin: int = 120
    label_chars: int = 30  # longer labels are cut, the full one is the node's tooltip


def actor_network(incidents: list[Incident]) -> Any:
    """A networkx DiGraph: actors, and agent → target/victim edges weighted by incidents."""
    import networkx as nx

    graph = nx.DiGraph()
    for incident in incidents:
        for actor in incident.actors:
            graph.add_node(actor.iri, label=actor.label_ar or actor.label, kinds=actor.kinds)
        for agent in incident.agents:
            for other in incident.targets + incident.victims:
                if agent.iri == other.iri:
                    continue
                data = graph.get_edge_data(agent.iri, other.iri) or {"weight": 0}
                graph.add_edge(agent.iri, other.iri, weight=data["weight"] + 1)
    return graph


def network_svg(incidents: list[Incident]) -> tuple[str, str]:
    """The actor network as inline SVG, and a caption line with its size."""
    import networkx as nx

    graph = actor_network(incidents)
    caption = f"{graph.number_of_nodes()} actors, {graph.number_of_edges()} links."
    if graph.number_of_nodes() == 0:
        return "<p>No actor is named in these incidents.</p>", caption
    box = _Box()
    layout = (
        nx.spring_layout(graph, seed=7, k=2.5 / math.sqrt(graph.number_of_nodes()))
        if graph.number_of_nodes() > 2
        else None
    )
    points = _scale(layout or nx.circular_layout(graph), box)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{box.width}" height="{box.height}" '
        f'viewBox="0 0 {box.width} {box.height}" role="img" aria-label="actor network" '
        'font-family="DejaVu Sans, sans-serif" font-size="13">',
        '<defs><marker id="kg-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#555"/></marker></defs>',
    ]
    for source, target, data in sorted(graph.edges(data=True)):
        (x1, y1), (x2, y2) = _shorten(points[source], points[target], 14)
        parts.append(
            f'<line class="kg-link" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="#555" stroke-opacity="0.7" stroke-width="{1 + data["weight"]:.0f}" '
            f'marker-end="url(#kg-arrow)"><title>{data["weight"]} incidents</title></line>'
        )
    for node, data in sorted(graph.nodes(data=True)):
        x, y = points[node]
        colour = _actor_colour(data["kinds"])
        text = data["label"]
        cut = text if len(text) <= box.label_chars else text[: box.label_chars - 1] + "…"
        label = html.escape(cut)
        parts.append(
            f'<g class="kg-actor"><circle cx="{x:.1f}" cy="{y:.1f}" r="11" fill="{colour}" '
            f'stroke="#333"><title>{html.escape(text)}\n{html.escape(node)}</title></circle>'
            f'<text x="{x:.1f}" y="{y + 27:.1f}" text-anchor="middle" direction="rtl">'
            f"{label}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts), caption


ACTOR_COLOURS = {
    "StateForce": "#d62728",
    "Government": "#e377c2",
    "ArmedGroup": "#8c564b",
    "Civilians": "#1f77b4",
    "Organisation": "#2ca02c",
    "Person": "#bcbd22",
}


def _actor_colour(kinds: frozenset[str]) -> str:
    return next((c for k, c in ACTOR_COLOURS.items() if k in kinds), OTHER_COLOUR)


def _scale(layout: dict[str, Any], box: _Box) -> dict[str, tuple[float, float]]:
    xs = [float(p[0]) for p in layout.values()]
    ys = [float(p[1]) for p in layout.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    inner_w, inner_h = box.width - 2 * box.margin, box.height - 2 * box.margin
    return {
        node: (
            box.margin + (float(p[0]) - min(xs)) / span_x * inner_w,
            box.margin + (float(p[1]) - min(ys)) / span_y * inner_h,
        )
        for node, p in layout.items()
    }


def _shorten(
    a: tuple[float, float], b: tuple[float, float], by: float
) -> tuple[tuple[float, float], tuple[float, float]]:
    """The segment a→b with ``by`` pixels cut from both ends, so arrows stop at the circles."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    return (a[0] + ux * by, a[1] + uy * by), (b[0] - ux * by, b[1] - uy * by)


# -- table ------------------------------------------------------------------------------------


def table_row(number: int, incident: Incident) -> dict[str, Any]:
    place = incident.place
    roles = [
        (name, "، ".join(a.label_ar or a.label for a in actors))
        for name, actors in (
            ("agent", incident.agents),
            ("target", incident.targets),
            ("victim", incident.victims),
        )
        if actors
    ]
    return {
        "anchor": anchor(number),
        "iri": incident.iri,
        "date": incident.date or "no date",
        "precision": (incident.precision or "").lower(),
        "event_en": incident.event_class.label_en or incident.event_class.name,
        "event_ar": incident.event_class.label_ar or "",
        "place_ar": (place.label_ar or place.label) if place else "",
        "place_en": place.label_en if place else "",
        "place_up": " ‹ ".join(n.label for n in reversed(place.chain[:-1])) if place else "",
        "roles": roles,
        "fatalities": _toll(incident.fatalities) or "none reported",
        "injured": _toll(incident.injured),
        "disagree": bool(incident.tolls_disagree),
        "reports": [_report_item(r) for r in incident.reports],
    }


def _report_item(report: Report) -> dict[str, str]:
    text, trigger = report.sentence_text or "", report.trigger or ""
    at = text.find(trigger) if trigger else -1
    before, marked, after = (
        (text[:at], trigger, text[at + len(trigger) :]) if at >= 0 else (text, "", "")
    )
    return {
        "outlet": report.outlet or "unknown outlet",
        "published": report.published or "",
        "url": report.url or "",
        "cited": "، ".join(c.label_ar or c.label for c in report.cited),
        "before": before,
        "trigger": marked,
        "after": after,
        "sentence": report.sentence or report.event,
    }


def _data_text(name: str) -> str:
    return resources.files("kg").joinpath("data", name).read_text(encoding="utf-8")
