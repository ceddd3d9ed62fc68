"""Why reports are one incident: the rule and evidence ``kg resolve`` recorded for each report
of an incident (``aco:groupingEvidence``), with the sentence each report was told in.

Everything is read back from the graph, so the explanation is what the store holds."""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.errors import InputError
from kg.query import run_local
from kg.rdf import RES
from kg.store import GraphStore

INCIDENT_PREFIX = RES + "incident/"


@dataclass
class ReportEvidence:
    event: str
    document: str
    outlet: str
    published: str
    event_class: str
    fatalities: str
    rule: str
    score: str
    day_gap: str
    shared_actors: list[str] = field(default_factory=list)
    sentence: str = ""


@dataclass
class Explanation:
    incident: str
    classes: list[str]
    place: str
    date: str
    tolls: str  # "14 / 14 / 17 (low / best / high), sources disagree"
    reports: list[ReportEvidence]


def incident_iri(name: str) -> str:
    """An incident IRI from the full IRI, ``res:incident/ID`` or the bare ID."""
    for prefix in ("res:incident/", "incident/"):
        if name.startswith(prefix):
            return INCIDENT_PREFIX + name[len(prefix) :]
    return name if name.startswith(("http://", "https://")) else INCIDENT_PREFIX + name


def _local(value: str | None) -> str:
    return (value or "").rsplit("#", 1)[-1]


def explain(store: GraphStore, name: str) -> Explanation:
    inc = incident_iri(name)
    head = run_local(store, f"""SELECT ?date ?label ?low ?best ?high ?dis
        (GROUP_CONCAT(DISTINCT STR(?cls); separator=" ") AS ?classes) WHERE {{
        <{inc}> a aco:Incident ; a ?cls . FILTER(?cls != aco:Incident)
        OPTIONAL {{ <{inc}> sem:hasTimeStamp ?date }}
        OPTIONAL {{ <{inc}> sem:hasPlace ?p . OPTIONAL {{ ?p rdfs:label ?label FILTER(lang(?label) = "ar") }} }}
        OPTIONAL {{ <{inc}> aco:fatalitiesLow ?low ; aco:fatalitiesBest ?best ; aco:fatalitiesHigh ?high }}
        OPTIONAL {{ <{inc}> aco:tollsDisagree ?dis }}
        }} GROUP BY ?date ?label ?low ?best ?high ?dis""").values()  # fmt: skip
    if not head or head[0][-1] is None:
        raise InputError(
            f"no incident {name} in the store",
            hint="incidents are made by kg resolve (a step of kg build); "
            "list them with kg query incident-tolls",
        )
    date, label, low, best, high, disagree, classes = head[0]
    tolls = f"{low} / {best} / {high} (low / best / high)" if best is not None else "none given"
    if disagree == "true":
        tolls += ", sources disagree"
    out = Explanation(inc, sorted(_local(c) for c in (classes or "").split()), label or "",
                      date or "", tolls, _reports(store, inc))  # fmt: skip
    return out


def _reports(store: GraphStore, inc: str) -> list[ReportEvidence]:
    rows = run_local(store, f"""SELECT ?x ?ev ?id ?src ?pub ?cls ?n ?rule ?score ?gap ?text ?b ?e
        WHERE {{ <{inc}> aco:groupingEvidence ?x . ?x aco:evidenceFor ?ev ; aco:rule ?rule .
        OPTIONAL {{ ?x aco:score ?score }} OPTIONAL {{ ?x aco:dayGap ?gap }}
        ?ev aco:reportedIn ?c ; prov:wasDerivedFrom ?s . ?c dcterms:identifier ?id ; nif:isString ?text .
        ?s nif:beginIndex ?b ; nif:endIndex ?e .
        OPTIONAL {{ ?c dcterms:source ?src }} OPTIONAL {{ ?c dcterms:created ?pub }}
        OPTIONAL {{ ?ev a ?cls FILTER(STRSTARTS(STR(?cls), STR(aco:))) }}
        OPTIONAL {{ ?ev aco:fatalities ?n }} }} ORDER BY ?x""").values()  # fmt: skip
    reports: dict[str, ReportEvidence] = {}
    for x, ev, doc, src, pub, cls, n, rule, score, gap, text, b, e in rows:
        assert x is not None and ev is not None and text is not None
        if x not in reports:
            sentence = text[int(str(b)) : int(str(e))].strip()
            reports[x] = ReportEvidence(str(ev), str(doc), src or "", pub or "", _local(cls),
                                        n or "", str(rule), score or "", gap or "",
                                        sentence=sentence)  # fmt: skip
    for x, label in run_local(store, f"""SELECT ?x ?l WHERE {{ <{inc}> aco:groupingEvidence ?x .
            ?x aco:sharedActor ?a . OPTIONAL {{ ?a rdfs:label ?l FILTER(lang(?l) = "ar") }} }}
            ORDER BY ?l""").values():  # fmt: skip
        reports[str(x)].shared_actors.append(label or "")
    return list(reports.values())
