"""Incidents as an analyst reads them: one record per incident of the graph ``res:graph/incidents``
(written by ``kg resolve``), with its event class and ACLED types, date, place and the places
above it, actors by role, low/best/high tolls, and the reports (events, documents, sentences)
that lead back to the text. ``select`` filters them by date, place or actor; the ACLED and
GeoJSON exports (``kg.export``) and the HTML report (``kg.report``) read these records only.

Place descriptions come from the entities graph; a parent place or country that the graph
names but does not describe is looked up in the gazetteer by its QID or local key.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pyoxigraph as ox

from kg.errors import InputError, KgError
from kg.gazetteer import Entry, default_gazetteer
from kg.rdf import ACO, ENTITIES_GRAPH, RDF, RDFS, RES, SEM, WD, WGS
from kg.store import ONTOLOGY_FILE, GraphStore

INCIDENTS_GRAPH = RES + "graph/incidents"
Term = Any  # a pyoxigraph term: NamedNode, BlankNode or Literal
PLACE_CLASSES = ("Country", "Region", "Settlement", "Neighbourhood", "Facility")
ACTOR_CLASSES = (
    "StateForce", "ArmedGroup", "Government", "Organisation", "MediaOutlet", "Person", "Civilians",
)  # fmt: skip
ROLES = ("agent", "target", "victim")
MAX_PLACE_DEPTH = 8


class EmptySelectionError(KgError):
    """The graph has no incidents, or none is left after the filters: nothing is written."""


@dataclass(frozen=True)
class Named:
    """An entity as shown: its IRI and labels."""

    iri: str
    label_ar: str | None
    label_en: str | None

    @property
    def label(self) -> str:
        """The English label (ACLED's language) when there is one, else the Arabic one."""
        return self.label_en or self.label_ar or local_name(self.iri)


@dataclass(frozen=True)
class Place(Named):
    kind: str | None  # ontology class local name: Settlement, Region, Country…
    lat: float | None
    lon: float | None
    country: Named | None
    admin: tuple[Named, ...]  # the places above it below the country, the largest first
    geonames_id: int | None = None

    @property
    def chain(self) -> tuple[Named, ...]:
        """Every place this one lies in (country first), and itself last."""
        top = (self.country,) if self.country and self.country.iri != self.iri else ()
        return (*top, *self.admin, self)


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
    cited: tuple[Named, ...]  # the sources the article cites (aco:reportedBy)


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
    precision: str | None  # Day, Month or Year
    place: Place | None
    agents: tuple[Actor, ...]
    targets: tuple[Actor, ...]
    victims: tuple[Actor, ...]
    fatalities: Toll
    injured: Toll
    tolls_disagree: bool | None
    report_count: int | None
    outlet_count: int | None
    geo_precision: str | None  # as issue 9 writes it, when present
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


def local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


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
    places = _PlaceBook(store)
    actors = _actors(store)
    reports = _reports(store)
    out = [_incident(iri, p, classes, places, actors, reports) for iri, p in props.items()]
    return sorted(out, key=lambda i: (i.period[0] if i.period else dt.date.max, i.iri))


def _select(store: GraphStore, sparql: str) -> ox.QuerySolutions:
    answer = store.query(sparql)
    assert isinstance(answer, ox.QuerySolutions)
    return answer


def _incident_properties(store: GraphStore) -> dict[str, dict[str, list[Term]]]:
    q = f"""SELECT ?i ?p ?o WHERE {{ GRAPH <{INCIDENTS_GRAPH}> {{
              ?i a <{ACO}Incident> ; ?p ?o }} }}"""
    props: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for s in _select(store, q):
        props[s["i"].value][s["p"].value].append(s["o"])
    for values in props.values():
        for terms in values.values():
            terms.sort(key=lambda t: str(t.value))
    return props


def _incident(
    iri: str,
    p: dict[str, list[Term]],
    classes: dict[str, EventClass],
    places: _PlaceBook,
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
        geo = str(gp.value) if isinstance(gp, ox.Literal) else local_name(gp.value)
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
def ontology_classes() -> dict[str, EventClass]:
    """Event classes of ``ontology/conflict.ttl`` with their labels and ACLED alignment."""
    values: dict[str, dict[str, str]] = defaultdict(dict)
    wanted = {
        RDFS + "label": "label",
        ACO + "acledEventType": "acled_event_type",
        ACO + "acledSubEventType": "acled_sub_event_type",
    }
    for triple in ox.parse(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE):
        key = wanted.get(triple.predicate.value)
        if key is None or not isinstance(triple.subject, ox.NamedNode):
            continue
        obj = triple.object
        if key == "label" and isinstance(obj, ox.Literal):
            key = f"label_{obj.language or 'en'}"
        values[triple.subject.value].setdefault(key, str(obj.value))
    return {
        iri: EventClass(
            iri,
            v.get("label_en"),
            v.get("label_ar"),
            v.get("acled_event_type"),
            v.get("acled_sub_event_type"),
        )
        for iri, v in values.items()
    }


def _labelled(store: GraphStore, classes: Iterable[str], more: str = "") -> ox.QuerySolutions:
    """Entities of ``classes`` with their labels and country, plus the ``more`` patterns."""
    kinds = " ".join(f"<{ACO}{c}>" for c in classes)
    return _select(
        store,
        f"""SELECT * WHERE {{
              GRAPH <{ENTITIES_GRAPH}> {{ ?e a ?kind . VALUES ?kind {{ {kinds} }}
              OPTIONAL {{ ?e <{RDFS}label> ?ar FILTER(lang(?ar) = "ar") }}
              OPTIONAL {{ ?e <{RDFS}label> ?en FILTER(lang(?en) = "en") }}
              OPTIONAL {{ ?e <{ACO}country> ?country }} {more} }} }}""",
    )


def _actors(store: GraphStore) -> dict[str, Actor]:
    rows: dict[str, dict[str, Any]] = {}
    for s in _labelled(store, ACTOR_CLASSES):
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
    for s in _select(store, documents):
        row = rows[s["e"].value]
        for key in ("doc", "outlet", "url", "created"):
            if s[key] is not None:
                row.setdefault(key, str(s[key].value))
    sentences = f"""SELECT ?e ?sent ?b ?text WHERE {{ {reports}
        ?e <{ACO}reportedIn> ?doc ; prov:wasDerivedFrom ?sent .
        ?sent nif:beginIndex ?b ; nif:endIndex ?end . ?doc nif:isString ?all
        BIND(SUBSTR(?all, ?b + 1, ?end - ?b) AS ?text) }}"""
    for s in _select(store, sentences):
        found = (int(s["b"].value), s["sent"].value, str(s["text"].value))
        rows[s["e"].value]["sentences"].append(found)
    triggers = f"SELECT ?e ?t WHERE {{ {reports} ?e <{ACO}trigger>/nif:anchorOf ?t }}"
    for s in _select(store, triggers):
        rows[s["e"].value]["triggers"].append(str(s["t"].value))
    cited = f"""SELECT ?e ?by ?ar ?en WHERE {{ {reports} ?e <{ACO}reportedBy> ?by
        OPTIONAL {{ ?by rdfs:label ?ar FILTER(lang(?ar) = "ar") }}
        OPTIONAL {{ ?by rdfs:label ?en FILTER(lang(?en) = "en") }} }}"""
    for s in _select(store, cited):
        by = Named(s["by"].value, *(s[k].value if s[k] else None for k in ("ar", "en")))
        rows[s["e"].value]["cited"].add(by)
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
    )


class _PlaceBook:
    """Place descriptions from the entities graph, with the gazetteer for what it lacks."""

    def __init__(self, store: GraphStore) -> None:
        self.rows: dict[str, dict[str, Any]] = {}
        more = (
            f"OPTIONAL {{ ?e <{WGS}lat> ?lat ; <{WGS}long> ?lon }} "
            f"OPTIONAL {{ ?e <{ACO}partOf> ?parent }} OPTIONAL {{ ?e <{ACO}geonamesId> ?gn }}"
        )
        for s in _labelled(store, PLACE_CLASSES, more):
            row = self.rows.setdefault(s["e"].value, {"parents": set()})
            row.setdefault("kind", local_name(s["kind"].value))
            for key in ("ar", "en", "country", "lat", "lon", "gn"):
                if s[key] is not None:
                    row.setdefault(key, s[key].value)
            if s["parent"] is not None:
                row["parents"].add(s["parent"].value)
        self.cache: dict[str, Place] = {}

    def _describe(self, iri: str) -> dict[str, Any]:
        if iri in self.rows:
            return self.rows[iri]
        entry = _gazetteer_entry(iri)
        row: dict[str, Any] = {"parents": set()}
        if entry is not None:
            e = entry.entity
            row.update(kind=_KIND_CLASS.get(e.kind), ar=e.label_ar, en=e.label_en)
            row.update(lat=e.lat, lon=e.lon, gn=e.geonames_id)
            if e.country_qid:
                row["country"] = WD + e.country_qid
            if e.parent_key:
                row["parents"] = {_key_iri(e.parent_key)}
        self.rows[iri] = row
        return row

    def named(self, iri: str) -> Named:
        row = self._describe(iri)
        return Named(iri, row.get("ar"), row.get("en"))

    def place(self, iri: str) -> Place:
        if iri in self.cache:
            return self.cache[iri]
        row = self._describe(iri)
        country = row.get("country")
        admin: list[Named] = []
        seen = {iri}
        parents = row["parents"]
        while parents and len(seen) < MAX_PLACE_DEPTH:
            parent = sorted(parents)[0]
            if parent in seen:
                break
            seen.add(parent)
            up = self._describe(parent)
            country = country or up.get("country")  # a place without one takes its parent's
            if up.get("kind") == "Country" or parent == country:
                country = country or parent
                break
            admin.insert(0, self.named(parent))
            parents = up["parents"]
        if row.get("kind") == "Country":  # a country is its own country, above no other
            country, admin = iri, []
        lat, lon, geonames = row.get("lat"), row.get("lon"), row.get("gn")
        place = Place(
            iri,
            row.get("ar"),
            row.get("en"),
            row.get("kind"),
            float(lat) if lat is not None else None,
            float(lon) if lon is not None else None,
            self.named(str(country)) if country else None,
            tuple(admin),
            int(geonames) if geonames else None,
        )
        self.cache[iri] = place
        return place


_KIND_CLASS = {
    "country": "Country", "region": "Region", "settlement": "Settlement",
    "neighbourhood": "Neighbourhood", "facility": "Facility",
}  # fmt: skip


def _key_iri(key: str) -> str:
    """A gazetteer key (``Q123`` or ``local:kind/slug``) as the graph's IRI for it."""
    return RES + "entity/" + key[len("local:") :] if key.startswith("local:") else WD + key


def _gazetteer_entry(iri: str) -> Entry | None:
    if iri.startswith(WD):
        key = iri[len(WD) :]
    elif iri.startswith(RES + "entity/"):
        key = "local:" + iri[len(RES + "entity/") :]
    else:
        return None
    return default_gazetteer().entries.get(key)


# -- filtering -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """The filters shared by the exports and the report; all optional."""

    since: dt.date | None = None
    until: dt.date | None = None
    place: str | None = None  # a label or IRI: the place and every place inside it
    actor: str | None = None  # a label or IRI, in any role

    def describe(self) -> str:
        parts = [
            f"--{name} {value}"
            for name, value in (
                ("since", self.since),
                ("until", self.until),
                ("place", self.place),
                ("actor", self.actor),
            )
            if value is not None
        ]
        return " ".join(parts)


def parse_day(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"{option} takes a date YYYY-MM-DD, not {value!r}") from exc


def select(incidents: list[Incident], selection: Selection) -> list[Incident]:
    """The incidents the filters keep. An unknown place or actor is bad input (exit 2); a
    graph with no incidents, or filters that keep none, raise ``EmptySelectionError``."""
    if not incidents:
        raise EmptySelectionError(
            f"the graph has no incidents (no aco:Incident in {INCIDENTS_GRAPH})",
            hint="group the per-document events into incidents first: kg resolve",
        )
    kept = incidents
    if selection.since or selection.until:
        low = selection.since or dt.date.min
        high = selection.until or dt.date.max
        if low > high:
            raise InputError(f"--since {low} is after --until {high}")
        kept = [i for i in kept if (p := i.period) and p[0] <= high and p[1] >= low]
    if selection.place is not None:
        wanted = _matching(
            selection.place, (n for i in incidents if i.place for n in i.place.chain)
        )
        if not wanted:
            raise InputError(f"no place {selection.place!r} among the incidents' places")
        kept = [i for i in kept if i.place and any(n.iri in wanted for n in i.place.chain)]
    if selection.actor is not None:
        wanted = _matching(selection.actor, (a for i in incidents for a in i.actors))
        if not wanted:
            raise InputError(f"no actor {selection.actor!r} among the incidents' actors")
        kept = [i for i in kept if any(a.iri in wanted for a in i.actors)]
    if not kept:
        raise EmptySelectionError(f"no incident matches {selection.describe()}")
    return kept


def _matching(spec: str, candidates: Iterable[Named]) -> set[str]:
    """IRIs of the candidates whose IRI is ``spec`` or one of whose labels matches it."""
    from kg.arabic import normalise

    want = normalise(spec.strip()).casefold()
    found = set()
    for c in candidates:
        labels = (c.label_ar, c.label_en)
        if c.iri == spec or any(x and normalise(x).casefold() == want for x in labels):
            found.add(c.iri)
    return found
