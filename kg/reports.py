"""Per-document events read back from the store, as the input of incident resolution.

A *report* is one factual per-document event (an instance of an event class, never an
``aco:NonFactualEvent``) with what the grouping needs: its document and outlet, class, place,
date and precision, actors, and its count claims. Everything is read with pyoxigraph quad
patterns on the document graphs, which is much faster than SPARQL joins on a large store.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.rdf import ACO, DCT, ENTITIES_GRAPH, ONTOLOGY_GRAPH, RDF, RDFS, SEM
from kg.store import GraphStore, graph_iri_prefix


@dataclass(frozen=True, slots=True)
class CountFigure:
    """One ``aco:CountClaim`` of a document: what is counted, the figure, its qualifier."""

    iri: str
    what: str
    value: int
    qualifier: str  # Exact, AtLeast, MoreThan, About, AtMost
    claimed_by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Period:
    """The days an event may have happened on: one day, a month or a year (inclusive)."""

    first: dt.date
    last: dt.date
    precision: str  # Day, Month, Year
    from_publication: bool = False

    @property
    def day(self) -> bool:
        return self.precision == "Day"

    def gap(self, other: Period) -> int:
        """Days between the two periods (0 when they overlap)."""
        if self.last < other.first:
            return (other.first - self.last).days
        if other.last < self.first:
            return (self.first - other.last).days
        return 0

    def literal(self) -> str:
        if self.precision == "Day":
            return self.first.isoformat()
        if self.precision == "Month":
            return self.first.isoformat()[:7]
        return self.first.isoformat()[:4]


def parse_period(value: str, from_publication: bool = False) -> Period | None:
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            return Period(day, day, "Day", from_publication)
        if len(value) == 7:
            first = dt.date.fromisoformat(value + "-01")
            nxt = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return Period(first, nxt - dt.timedelta(days=1), "Month")
        if len(value) == 4:
            year = int(value)
            return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), "Year")
    except ValueError:
        return None
    return None


@dataclass(slots=True)
class Report:
    """One factual per-document event."""

    iri: str
    doc_id: str
    context: str
    outlet: str | None
    published: str
    cls: str  # local name of the ontology class
    place: str | None = None
    period: Period | None = None
    agents: set[str] = field(default_factory=set)
    targets: set[str] = field(default_factory=set)
    victims: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    counts: list[CountFigure] = field(default_factory=list)
    summed: set[str] = field(default_factory=set)  # claims whose figures add up to the toll

    @property
    def actors(self) -> set[str]:
        return self.agents | self.targets | self.victims

    @property
    def sort_key(self) -> tuple[str, str]:
        """Earliest published first: the anchor of an incident, and so its IRI, stays put
        when later documents join it."""
        return (self.published, self.iri)


@dataclass
class EventData:
    """What resolution reads from the store."""

    reports: list[Report]
    parents: dict[str, set[str]]  # place -> every place it lies in (aco:partOf, transitively)
    countries: set[str]  # places typed aco:Country
    state_of: dict[str, str]  # state force or government -> its country
    superclasses: dict[str, list[str]]  # class -> its superclasses, nearest first
    event_classes: set[str]


def _pairs(
    store: ox.Store, predicate: str, graph: str | None = None, obj: str | None = None
) -> Iterator[tuple[str, str]]:
    """(subject, object value) of every quad with ``predicate``: in ``graph``, or else in a
    document graph."""
    prefix = graph_iri_prefix()
    o = ox.NamedNode(obj) if obj else None
    g = ox.NamedNode(graph) if graph else None
    for q in store.quads_for_pattern(None, ox.NamedNode(predicate), o, g):
        name, s, value = q.graph_name, q.subject, q.object
        if g is None and not (isinstance(name, ox.NamedNode) and name.value.startswith(prefix)):
            continue
        if not isinstance(s, ox.Triple) and not isinstance(value, ox.Triple):
            yield s.value, str(value.value)


def _class_tree(store: ox.Store) -> dict[str, list[str]]:
    parent: dict[str, str] = {}
    for s, o in _pairs(store, RDFS + "subClassOf", ONTOLOGY_GRAPH):
        if s.startswith(ACO) and o.startswith(ACO):
            parent[s[len(ACO) :]] = o[len(ACO) :]
    tree: dict[str, list[str]] = {}
    for cls in parent:
        chain: list[str] = []
        cur = cls
        while cur in parent and parent[cur] not in chain:
            cur = parent[cur]
            chain.append(cur)
        tree[cls] = chain
    return tree


def _place_tree(store: ox.Store) -> tuple[dict[str, set[str]], set[str]]:
    direct: dict[str, set[str]] = defaultdict(set)
    for s, o in _pairs(store, ACO + "partOf", ENTITIES_GRAPH):
        direct[s].add(o)
    closure: dict[str, set[str]] = {}
    for place in direct:
        seen: set[str] = set()
        todo = list(direct[place])
        while todo:
            cur = todo.pop()
            if cur not in seen and cur != place:
                seen.add(cur)
                todo.extend(direct.get(cur, ()))
        closure[place] = seen
    countries = {s for s, _ in _pairs(store, RDF + "type", ENTITIES_GRAPH, ACO + "Country")}
    return closure, countries


def read_events(gs: GraphStore) -> EventData:
    """Every factual per-document event of the store, with its context."""
    store = gs.store
    tree = _class_tree(store)
    event_classes = {c for c, chain in tree.items() if "ConflictEvent" in chain}
    contexts: dict[str, tuple[str, str | None, str]] = {}
    ids = dict(_pairs(store, DCT + "identifier"))
    sources = dict(_pairs(store, DCT + "source"))
    created = dict(_pairs(store, DCT + "created"))
    for ctx, doc_id in ids.items():
        contexts[ctx] = (doc_id, sources.get(ctx), created.get(ctx, "9999-12-31"))
    reports: dict[str, Report] = {}
    reported_in = dict(_pairs(store, ACO + "reportedIn"))
    for cls in sorted(event_classes):
        for ev, _ in _pairs(store, RDF + "type", obj=ACO + cls):
            context = reported_in.get(ev)
            if context is None or context not in contexts:
                continue
            doc_id, outlet, published = contexts[context]
            reports[ev] = Report(ev, doc_id, context, outlet, published, cls)
    _attach_details(store, reports)
    parents, countries = _place_tree(store)
    ordered = sorted(reports.values(), key=lambda r: r.sort_key)
    return EventData(ordered, parents, countries, _states(store), tree, event_classes)


def _states(store: ox.Store) -> dict[str, str]:
    """State forces and governments -> their country: a country acts through them."""
    country = dict(_pairs(store, ACO + "country", ENTITIES_GRAPH))
    out = {}
    for kind in ("StateForce", "Government"):
        for ent, _ in _pairs(store, RDF + "type", ENTITIES_GRAPH, ACO + kind):
            if ent in country:
                out[ent] = country[ent]
    return out


def _attach_details(store: ox.Store, reports: dict[str, Report]) -> None:
    for ev, o in _pairs(store, SEM + "hasPlace"):
        if ev in reports:
            reports[ev].place = o
    from_pub = {ev for ev, _ in _pairs(store, ACO + "timeFromPublicationDate")}
    for ev, o in _pairs(store, SEM + "hasTimeStamp"):
        if ev in reports:
            reports[ev].period = parse_period(str(o), ev in from_pub)
    for role in ("agent", "target", "victim"):
        for ev, o in _pairs(store, ACO + role):
            if ev in reports:
                getattr(reports[ev], role + "s").add(o)
    for ev, o in _pairs(store, ACO + "reportedBy"):
        if ev in reports:
            reports[ev].sources.add(o)
    for ev, o in _pairs(store, ACO + "fatalitiesSummedFrom"):
        if ev in reports:
            reports[ev].summed.add(o)
    owner = {o: ev for ev, o in _pairs(store, ACO + "hasCountClaim") if ev in reports}
    fields: dict[str, dict[str, str]] = defaultdict(dict)
    claimed: dict[str, list[str]] = defaultdict(list)
    for name in ("countOf", "value", "qualifier"):
        for claim, o in _pairs(store, ACO + name):
            if claim in owner:
                fields[claim][name] = str(o)
    for claim, o in _pairs(store, ACO + "claimedBy"):
        if claim in owner:
            claimed[claim].append(o)
    for claim in sorted(fields):
        f = fields[claim]
        if {"countOf", "value", "qualifier"} <= f.keys():
            figure = CountFigure(
                claim,
                f["countOf"],
                int(f["value"]),
                f["qualifier"].rsplit("#", 1)[-1],
                tuple(sorted(claimed[claim])),
            )
            reports[owner[claim]].counts.append(figure)
