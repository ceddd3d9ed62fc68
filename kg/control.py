"""Territorial control claims: who was reported to control a place from when, per source.

Each factual taking of territory (``aco:GovernmentRegainsTerritory``,
``aco:NonStateActorTakesTerritory``) with a place, a date and an agent says, according to its
document, that the agent controls the place from that date: one ``aco:ControlClaim`` per
agent. A withdrawal (``aco:Withdrawal``) says that its agent no longer does
(``aco:relinquishedBy``, no controller). ``queries/who-controlled.rq`` reads the latest claim
of each source on or before a date.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from kg.rdf import ACO, PROV, RDF, RES, Triple, iri, lit
from kg.reports import Report

CONTROL_GRAPH = RES + "graph/control"
TAKING = {"GovernmentRegainsTerritory", "NonStateActorTakesTerritory"}
LOSING = {"Withdrawal"}
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"


@dataclass
class ControlSummary:
    claims: int = 0
    without_agent: int = 0  # takings or withdrawals with a place and a date but no agent


def control_iri(report: Report, actor: str) -> str:
    key = hashlib.sha1(f"{report.iri} {actor}".encode()).hexdigest()[:16]
    return f"{RES}control/{key}"


def control_triples(reports: list[Report]) -> tuple[list[Triple], ControlSummary]:
    summary = ControlSummary()
    out: list[Triple] = []
    a = iri(RDF + "type")
    for r in reports:
        if r.cls not in TAKING | LOSING or r.place is None or r.period is None:
            continue
        if not r.agents:
            summary.without_agent += 1
            continue
        role = "controller" if r.cls in TAKING else "relinquishedBy"
        for actor in sorted(r.agents):
            c = iri(control_iri(r, actor))
            out += [
                (c, a, iri(ACO + "ControlClaim")),
                (c, iri(ACO + role), iri(actor)),
                (c, iri(ACO + "controlledPlace"), iri(r.place)),
                (c, iri(ACO + "since"), lit(r.period.first.isoformat(), datatype=XSD_DATE)),
                (c, iri(ACO + "timePrecision"), iri(ACO + r.period.precision)),
                (c, iri(ACO + "reportedIn"), iri(r.context)),
                (c, iri(PROV + "wasDerivedFrom"), iri(r.iri)),
            ]
            out += [(c, iri(ACO + "claimedBy"), iri(s)) for s in sorted(r.sources)]
            summary.claims += 1
    return out, summary
