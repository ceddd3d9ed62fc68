"""Incidents as an analyst reads them: one record per incident of the graph ``res:graph/incidents``
(written by ``kg resolve``), with its event class and ACLED types, date, place and the places
above it, actors by role, low/best/high tolls, and the reports (events, documents, sentences)
that lead back to the text. ``kg.incident_select`` filters them by date, place or actor; the
ACLED and GeoJSON exports (``kg.export``) and the HTML report (``kg.report``) read these
records only. Places and the places above them come from ``kg.place_book``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pyoxigraph as ox

from kg.place_book import Named, Place, PlaceBook, labelled, local_name, select_rows
from kg.rdf import ACO, RDF, RDFS, RES, SEM
from kg.store import ONTOLOGY_FILE, GraphStore

INCIDENTS_GRAPH = RES + "graph/incidents"
Term = Any  # a pyoxigraph term: NamedNode, BlankNode or Literal
ACTOR_CLASSES = (
    "StateForce", "ArmedGroup", "Government", "Organisation", "MediaOutlet", "Person", "Civilians",
)  # fmt: skip


@dataclass(frozen=True)
class Actor(Named):
    kinds: frozenset[str]  # ontology class local names
    country: str | None  # IRI


@dataclass(frozen=True)
class Report:
    event: str
    document: str
    outlet: str | None
    url: str | None
    published: str | None
    sentence: str | None
    sentence_text: str | None
    trigger: str | None
    cited: tuple[Named, ...]
    geo_precision: str | None = (
        None  # the event's aco:geoPrecision (issue 9), when present  # the sources the article cites (aco:reportedBy)
    )


@dataclass(frozen=True)
class EventClass:
    iri: str
    label_en: str | None
    label_ar: str | None
    acled_event_type: str | None
    acled_sub_event_type: str | None

    @property
    def name(self) -> str:
        return local_name(self.iri)


Toll = tuple[int | None, int | None, int | None]  # low, best, high


@dataclass(frozen=True)
class Incident:
    iri: str
    event_class: EventClass
    date: str | None  # xsd:date, gYearMonth or gYear lexical form
    precision: str | None  # Day, Month or Year (Week from issue 9): aco: local names
    place: Place | None
    agents: tuple[Actor, ...]
    targets: tuple[Actor, ...]
    victims: tuple[Actor, ...]
    fatalities: Toll
    injured: Toll
    tolls_disagree: bool | None
    report_count: int | None
    outlet_count: int | None
    geo_precision: str | None  # aco:geoPrecision (issue 9): its IRI, or a literal's value
    reports: tuple[Report, ...]

    @property
    def period(self) -> tuple[dt.date, dt.date] | None:
        """The first and last day the date can mean, from its precision."""
        return date_period(self.date) if self.date else None

    @property
    def actors(self) -> tuple[Actor, ...]:
        return self.agents + self.targets + self.victims

    @property
    def outlets(self) -> tuple[str, ...]:
        return tuple(sorted({r.outlet for r in self.reports if r.outlet}))

    @property
    def coordinates(self) -> tuple[float, float] | None:
        """(lat, lon) of the place, when the graph or the gazetteer has them."""
        if self.place is None or self.place.lat is None or self.place.lon is None:
            return None
        return self.place.lat, self.place.lon


def date_period(value: str) -> tuple[dt.date, dt.date] | None:
    """``2019-05-05`` → that day; ``2019-05`` → the month; ``2019`` → the year."""
    try:
        parts = [int(p) for p in value[:10].split("-")]
    except ValueError:
        return None
    if len(parts) == 3:
        day = dt.date(*parts)
        return day, day
    if len(parts) == 2:
        last = calendar.monthrange(parts[0], parts[1])[1]
        return dt.date(parts[0], parts[1], 1), dt.date(parts[0], parts[1], last)
    if len(parts) == 1:
        return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    return None


# -- reading ---------------------------------------------------------------------------------


def read_incidents(store: GraphStore) -> list[Incident]:
    """Every incident of the store, ordered by date then IRI."""
    props = _incident_properties(store)
    if not props:
        return []
    classes = ontology_classes()
    places = PlaceBook(store)
    actors = _actors(store)
    reports = _reports(store)
    out = [_incident(iri, p, classes, places, actors, reports) for iri, p in props.items()]
    return sorted(out, key=lambda i: (i.period[0] if i.period else dt.date.max, i.iri))


def _incident_properties(store: GraphStore) -> dict[str, dict[str, list[Term]]]:
    q = f"""SELECT ?i ?p ?o WHERE {{ GRAPH <{INCIDENTS_GRAPH}> {{
              ?i a <{ACO}Incident> ; ?p ?o }} }}"""
    props: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for s in select_rows(store, q):
        props[s["i"].value][s["p"].value].append(s["o"])
    for values in props.values():
        for terms in values.values():
            terms.sort(key=lambda t: str(t.value))
    return props


def _incident(
    iri: str,
    p: dict[str, list[Term]],
    classes: dict[str, EventClass],
    places: PlaceBook,
    actors: dict[str, Actor],
    reports: dict[str, Report],
) -> Incident:
    def first(prop: str) -> Term | None:
        return p[prop][0] if p.get(prop) else None

    def number(prop: str) -> int | None:
        term = first(ACO + prop)
        return int(term.value) if isinstance(term, ox.Literal) else None

    def role(name: str) -> tuple[Actor, ...]:
        return tuple(actors.get(t.value) or _bare_actor(t.value) for t in p.get(ACO + name, []))

    types = [t.value for t in p.get(RDF + "type", []) if t.value != ACO + "Incident"]
    known = [classes[t] for t in types if t in classes]
    typed = [c for c in known if c.acled_event_type] or known
    event_class = (
        typed[0] if typed else EventClass(types[0] if types else SEM + "Event", *[None] * 4)
    )
    place_term = first(SEM + "hasPlace")
    disagree = first(ACO + "tollsDisagree")
    stamp, precision, geo = first(SEM + "hasTimeStamp"), first(ACO + "timePrecision"), None
    if (gp := first(ACO + "geoPrecision")) is not None:
        geo = str(gp.value)
    return Incident(
        iri=iri,
        event_class=event_class,
        date=str(stamp.value) if stamp is not None else None,
        precision=local_name(precision.value) if precision is not None else None,
        place=places.place(place_term.value) if place_term is not None else None,
        agents=role("agent"),
        targets=role("target"),
        victims=role("victim"),
        fatalities=(number("fatalitiesLow"), number("fatalitiesBest"), number("fatalitiesHigh")),
        injured=(number("injuredLow"), number("injuredBest"), number("injuredHigh")),
        tolls_disagree=None if disagree is None else str(disagree.value) in ("true", "1"),
        report_count=number("reportCount"),
        outlet_count=number("outletCount"),
        geo_precision=geo,
        reports=tuple(
            sorted(
                (reports[t.value] for t in p.get(ACO + "hasReport", []) if t.value in reports),
                key=lambda r: (r.published or "", r.event),
            )
        ),
    )


@lru_cache(maxsize=1)
def _ontology_values(path: str = str(ONTOLOGY_FILE)) -> dict[str, dict[str, str]]:
    """Labels and ACLED annotations of the ontology's terms, by IRI."""
    values: dict[str, dict[str, str]] = defaultdict(dict)
    wanted = {
        RDFS + "label": "label",
        ACO + "acledEventType": "acled_event_type",
        ACO + "acledSubEventType": "acled_sub_event_type",
        ACO + "acledTimePrecision": "acled_time_precision",  # issue 9's codes, when present
        ACO + "acledGeoPrecision": "acled_geo_precision",
    }
    for triple in ox.parse(path=path, format=ox.RdfFormat.TURTLE):
        key = wanted.get(triple.predicate.value)
        if key is None or not isinstance(triple.subject, ox.NamedNode):
            continue
        obj = triple.object
        if key == "label" and isinstance(obj, ox.Literal):
            key = f"label_{obj.language or 'en'}"
        values[triple.subject.value].setdefault(key, str(obj.value))
    return dict(values)


def ontology_classes() -> dict[str, EventClass]:
    """Event classes of ``ontology/conflict.ttl`` with their labels and ACLED alignment."""
    return {
        iri: EventClass(
            iri,
            v.get("label_en"),
            v.get("label_ar"),
            v.get("acled_event_type"),
            v.get("acled_sub_event_type"),
        )
        for iri, v in _ontology_values().items()
    }


def acled_code(term: str | None, annotation: str, path: str = str(ONTOLOGY_FILE)) -> str | None:
    """The ACLED code (``acled_time_precision`` or ``acled_geo_precision``) that the ontology
    gives a precision term; a bare number (a literal in the graph) is its own code."""
    if term is None:
        return None
    if term.isdigit():
        return term
    return _ontology_values(path).get(term, {}).get(annotation)


def _actors(store: GraphStore) -> dict[str, Actor]:
    rows: dict[str, dict[str, Any]] = {}
    for s in labelled(store, ACTOR_CLASSES):
        row = rows.setdefault(s["e"].value, {"kinds": set()})
        row["kinds"].add(local_name(s["kind"].value))
        for key in ("ar", "en", "country"):
            if s[key] is not None:
                row.setdefault(key, s[key].value)
    return {
        iri: Actor(
            iri,
            row.get("ar"),
            row.get("en"),
            frozenset(row["kinds"]),
            row.get("country"),
        )
        for iri, row in rows.items()
    }


def _bare_actor(iri: str) -> Actor:
    return Actor(iri, None, None, frozenset(), None)


def _reports(store: GraphStore) -> dict[str, Report]:
    """Per-document events of incidents with their document, sentence text and trigger. When a
    document tells the event twice, its first sentence and a trigger inside it are kept."""
    reports = f"GRAPH <{INCIDENTS_GRAPH}> {{ ?i <{ACO}hasReport> ?e }}"
    rows: dict[str, dict[str, Any]] = defaultdict(lambda: {"cited": set(), "sentences": [],
                                                           "triggers": []})  # fmt: skip
    documents = f"""SELECT ?e ?doc ?outlet ?url ?created WHERE {{ {reports}
        ?e <{ACO}reportedIn> ?doc . OPTIONAL {{ ?doc dcterms:source ?outlet }}
        OPTIONAL {{ ?doc schema:url ?url }} OPTIONAL {{ ?doc dcterms:created ?created }} }}"""
    for s in select_rows(store, documents):
        row = rows[s["e"].value]
        for key in ("doc", "outlet", "url", "created"):
            if s[key] is not None:
                row.setdefault(key, str(s[key].value))
    sentences = f"""SELECT ?e ?sent ?b ?text WHERE {{ {reports}
        ?e <{ACO}reportedIn> ?doc ; prov:wasDerivedFrom ?sent .
        ?sent nif:beginIndex ?b ; nif:endIndex ?end . ?doc nif:isString ?all
        BIND(SUBSTR(?all, ?b + 1, ?end - ?b) AS ?text) }}"""
    for s in select_rows(store, sentences):
        found = (int(s["b"].value), s["sent"].value, str(s["text"].value))
        rows[s["e"].value]["sentences"].append(found)
    triggers = f"SELECT ?e ?t WHERE {{ {reports} ?e <{ACO}trigger>/nif:anchorOf ?t }}"
    for s in select_rows(store, triggers):
        rows[s["e"].value]["triggers"].append(str(s["t"].value))
    cited = f"""SELECT ?e ?by ?ar ?en WHERE {{ {reports} ?e <{ACO}reportedBy> ?by
        OPTIONAL {{ ?by rdfs:label ?ar FILTER(lang(?ar) = "ar") }}
        OPTIONAL {{ ?by rdfs:label ?en FILTER(lang(?en) = "en") }} }}"""
    for s in select_rows(store, cited):
        by = Named(s["by"].value, *(s[k].value if s[k] else None for k in ("ar", "en")))
        rows[s["e"].value]["cited"].add(by)
    geo = f"SELECT ?e ?g WHERE {{ {reports} ?e <{ACO}geoPrecision> ?g }}"
    for s in select_rows(store, geo):
        rows[s["e"].value].setdefault("geo", str(s["g"].value))
    return {event: _report(event, row) for event, row in sorted(rows.items())}


def _report(event: str, row: dict[str, Any]) -> Report:
    _, sentence, text = min(row["sentences"], default=(0, None, None))
    triggers = sorted(row["triggers"])
    inside = [t for t in triggers if text and t in text]
    return Report(
        event=event,
        document=row.get("doc", ""),
        outlet=row.get("outlet"),
        url=row.get("url"),
        published=row.get("created"),
        sentence=sentence,
        sentence_text=text,
        trigger=(inside or triggers or [None])[0],
        cited=tuple(sorted(row["cited"], key=lambda n: n.iri)),
        geo_precision=row.get("geo"),
    )
