"""``kg resolve``: read the per-document events, group them into incidents, and replace the
incidents graph and the control graph of the store (bulk-loaded N-Quads)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from kg.claims import incident_estimates
from kg.control import CONTROL_GRAPH, ControlSummary, control_triples
from kg.errors import StoreError
from kg.incidents import (
    GroupingRules,
    Incident,
    group_reports,
    incident_class,
    incident_period,
)
from kg.rdf import ACO, RDF, RES, SEM, XSD, Triple, date_lit, int_lit, iri, lit, nquads
from kg.reports import EventData, read_events
from kg.store import GraphStore

INCIDENTS_GRAPH = RES + "graph/incidents"


@dataclass
class ResolveSummary:
    events: int = 0
    grouped: int = 0
    incidents: int = 0
    multi_outlet: int = 0
    disagreeing: int = 0
    no_place: int = 0
    no_date: int = 0
    no_place_nor_date: int = 0
    control: ControlSummary | None = None
    cpu_seconds: float = 0.0

    def line(self) -> str:
        left = self.no_place + self.no_date + self.no_place_nor_date
        control = self.control or ControlSummary()
        return (
            f"resolve: {self.events} events, {self.grouped} in {self.incidents} incidents "
            f"({self.multi_outlet} reported by 2 or more outlets, {self.disagreeing} with "
            f"disagreeing tolls), {left} left out ({self.no_place} without a place, "
            f"{self.no_date} without a date, {self.no_place_nor_date} without either), "
            f"{control.claims} control claims ({control.without_agent} takings or withdrawals "
            f"without an agent), {self.cpu_seconds:.2f} s CPU"
        )


def incident_iri(incident: Incident) -> str:
    return f"{RES}incident/{incident.iri_key}"


def incident_triples(incident: Incident, data: EventData) -> tuple[list[Triple], bool]:
    """The incident's description, and whether its sources disagree on a toll."""
    i = iri(incident_iri(incident))
    a = iri(RDF + "type")
    period = incident_period(incident)
    out: list[Triple] = [
        (i, a, iri(ACO + "Incident")),
        (i, a, iri(ACO + incident_class(incident, data.superclasses))),
        (i, iri(SEM + "hasPlace"), iri(incident.place)),
        (i, iri(SEM + "hasTimeStamp"), date_lit(period.literal())),
        (i, iri(ACO + "timePrecision"), iri(ACO + period.precision)),
        (i, iri(ACO + "reportCount"), int_lit(len(incident.reports))),
        (i, iri(ACO + "outletCount"), int_lit(len(incident.outlets))),
    ]
    actors: set[tuple[str, str]] = set()
    for r in incident.reports:
        out.append((i, iri(ACO + "hasReport"), iri(r.iri)))
        out += [(i, iri(ACO + "hasTollClaim"), iri(c.iri)) for c in r.counts]
        for role in ("agent", "target", "victim"):
            actors.update((role, x) for x in getattr(r, role + "s"))
    out += [(i, iri(ACO + role), iri(x)) for role, x in sorted(actors)]
    disagree = False
    for stem, est in incident_estimates(incident.reports).items():
        out += [
            (i, iri(f"{ACO}{stem}Low"), int_lit(est.low)),
            (i, iri(f"{ACO}{stem}Best"), int_lit(est.best)),
            (i, iri(f"{ACO}{stem}High"), int_lit(est.high)),
        ]
        disagree = disagree or est.disagree
    out.append(
        (i, iri(ACO + "tollsDisagree"), lit(str(disagree).lower(), datatype=XSD + "boolean"))
    )
    for n, ev in enumerate(incident.evidence):
        e = iri(f"{incident_iri(incident)}/evidence/{n}")
        out += [
            (i, iri(ACO + "groupingEvidence"), e),
            (e, a, iri(ACO + "GroupingEvidence")),
            (e, iri(ACO + "evidenceFor"), iri(ev.report)),
            (e, iri(ACO + "rule"), lit(ev.rule)),
            (e, iri(ACO + "score"), lit(f"{ev.score:.3f}", datatype=XSD + "decimal")),
        ]
        out += [(e, iri(ACO + "relation"), iri(ACO + rel)) for rel in ev.relations]
        out += [(e, iri(ACO + "sharedActor"), iri(x)) for x in ev.shared_actors]
        if ev.day_gap is not None:
            out.append((e, iri(ACO + "dayGap"), int_lit(ev.day_gap)))
    return out, disagree


def resolve(store: GraphStore, rules: GroupingRules | None = None) -> ResolveSummary:
    """Recompute the incidents and control graphs of ``store`` from its per-document events."""
    from kg.pipeline import fewer_collections

    with fewer_collections():
        return _resolve(store, rules)


def _resolve(store: GraphStore, rules: GroupingRules | None) -> ResolveSummary:
    started = time.process_time()
    data = read_events(store)
    if not data.reports:
        raise StoreError(
            "the store holds no per-document events", hint="build one first: kg build CORPUS"
        )
    grouping = group_reports(data, rules)
    summary = ResolveSummary(
        events=len(data.reports),
        no_place=grouping.no_place,
        no_date=grouping.no_date,
        no_place_nor_date=grouping.no_place_nor_date,
        incidents=len(grouping.incidents),
    )
    chunks = []
    for inc in grouping.incidents:
        triples, disagree = incident_triples(inc, data)
        chunks.append(nquads(INCIDENTS_GRAPH, triples))
        summary.grouped += len(inc.reports)
        summary.multi_outlet += len(inc.outlets) >= 2
        summary.disagreeing += disagree
    grouped = [r for inc in grouping.incidents for r in inc.reports]
    control, summary.control = control_triples(grouped)
    chunks.append(nquads(CONTROL_GRAPH, control))
    store.replace_documents([INCIDENTS_GRAPH, CONTROL_GRAPH], "".join(chunks), trusted=True)
    store.flush()
    summary.cpu_seconds = time.process_time() - started
    return summary
