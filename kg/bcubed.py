"""Scoring the incident grouping against incident gold (``gold/incidents.jsonl``) with B-cubed.

A gold incident lists its reports by document id and trigger offsets, so the gold does not
depend on IRIs. Each gold report is matched to the system event of the same document whose
trigger overlaps it; the system's incident of that event is its cluster. B-cubed precision
and recall are averaged over the gold reports that were matched to an event in an incident
(Bagga and Baldwin 1998); the reports that were not are counted. A *bad merge* is a system
incident that holds reports of two gold incidents with different places or classes.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from kg.errors import InputError
from kg.query import run_local
from kg.resolve import INCIDENTS_GRAPH
from kg.store import GraphStore


@dataclass
class GroupingScore:
    gold_incidents: int = 0
    gold_reports: int = 0
    missing_documents: set[str] = field(default_factory=set)
    unmatched: int = 0  # no system event with an overlapping trigger
    not_in_incident: int = 0  # matched an event that has no incident (no place or date)
    scored: int = 0
    precision: float = 0.0
    recall: float = 0.0
    bad_merges: list[dict[str, Any]] = field(default_factory=list)
    splits: list[dict[str, Any]] = field(default_factory=list)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "gold_incidents": self.gold_incidents,
            "gold_reports": self.gold_reports,
            "missing_documents": sorted(self.missing_documents),
            "unmatched_reports": self.unmatched,
            "reports_not_in_an_incident": self.not_in_incident,
            "scored_reports": self.scored,
            "bcubed": {
                "p": round(self.precision, 3),
                "r": round(self.recall, 3),
                "f1": round(self.f1, 3),
            },
            "bad_merges": len(self.bad_merges),
            "bad_merge_examples": self.bad_merges[:10],
            "split_incidents": len(self.splits),
            "split_examples": self.splits,
        }


def bcubed(gold: dict[str, str], system: dict[str, str]) -> tuple[float, float]:
    """B-cubed precision and recall of ``system`` (item -> cluster) against ``gold``."""
    g_members: dict[str, set[str]] = defaultdict(set)
    s_members: dict[str, set[str]] = defaultdict(set)
    for item, c in gold.items():
        g_members[c].add(item)
    for item, c in system.items():
        s_members[c].add(item)
    if not gold:
        return 0.0, 0.0
    p = r = 0.0
    for item in gold:
        g, s = g_members[gold[item]], s_members[system[item]]
        both = len(g & s)
        p += both / len(s)
        r += both / len(g)
    return p / len(gold), r / len(gold)


def _system_events(store: GraphStore) -> dict[str, list[tuple[str, int, int]]]:
    """Document id -> (event, trigger begin, trigger end) for every per-document event."""
    rows = run_local(
        store,
        """SELECT ?id ?ev ?b ?e WHERE { ?ev aco:reportedIn ?c ; aco:trigger ?t .
           ?t nif:beginIndex ?b ; nif:endIndex ?e . ?c dcterms:identifier ?id }""",
    ).values()
    out: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for doc, ev, b, e in rows:
        out[str(doc)].append((str(ev), int(str(b)), int(str(e))))
    return out


def _doc_sha1(store: GraphStore) -> dict[str, str]:
    rows = run_local(
        store, "SELECT ?id ?t WHERE { ?c a nif:Context ; dcterms:identifier ?id ; nif:isString ?t }"
    ).values()
    return {str(i): hashlib.sha1(str(t).encode("utf-8")).hexdigest() for i, t in rows}


def _incident_of(store: GraphStore) -> dict[str, str]:
    rows = run_local(
        store, f"SELECT ?i ?ev WHERE {{ GRAPH <{INCIDENTS_GRAPH}> {{ ?i aco:hasReport ?ev }} }}"
    ).values()
    return {str(ev): str(i) for i, ev in rows}


def score_incidents(gold: list[dict[str, Any]], store: GraphStore) -> GroupingScore:
    out = GroupingScore(gold_incidents=len(gold))
    events, sha1, incident_of = _system_events(store), _doc_sha1(store), _incident_of(store)
    gold_cluster: dict[str, str] = {}
    system_cluster: dict[str, str] = {}
    facts: dict[str, tuple[str, str]] = {}  # gold incident -> (place, class)
    reports: dict[str, tuple[str, str]] = {}  # scored gold report -> (document, system event)
    for inc in gold:
        key = inc["incident"]
        facts[key] = (inc.get("place", ""), inc.get("class", ""))
        for n, rep in enumerate(inc["reports"]):
            out.gold_reports += 1
            doc, (start, end) = rep["id"], rep["trigger"]
            if doc not in sha1:
                out.missing_documents.add(doc)
                out.unmatched += 1
                continue
            if rep.get("sha1") and rep["sha1"] != sha1[doc]:
                raise InputError(f"incident gold for {doc} was made on another text (sha1 differs)")
            hit = next((ev for ev, b, e in sorted(events[doc]) if b < end and start < e), None)
            if hit is None:
                out.unmatched += 1
            elif hit not in incident_of:
                out.not_in_incident += 1
            elif hit in system_cluster:
                out.unmatched += 1  # two gold reports on one system event: count the first
            else:
                item = f"{key}#{n}"
                gold_cluster[item] = key
                system_cluster[item] = incident_of[hit]
                reports[item] = (doc, hit)
    out.scored = len(gold_cluster)
    out.precision, out.recall = bcubed(gold_cluster, system_cluster)
    members: dict[str, set[str]] = defaultdict(set)
    for item, sys in system_cluster.items():
        members[sys].add(gold_cluster[item])
    for sys, keys in sorted(members.items()):
        if len({facts[k][0] for k in keys}) > 1 or len({facts[k][1] for k in keys}) > 1:
            out.bad_merges.append({"incident": sys, "gold": sorted(keys)})
    out.splits = _splits(gold_cluster, system_cluster, reports)
    return out


def _splits(
    gold: dict[str, str], system: dict[str, str], reports: dict[str, tuple[str, str]]
) -> list[dict[str, Any]]:
    """The gold incidents whose reports the system put in two or more incidents: for each,
    the system incidents with the (document, event) of the reports each one holds."""
    parts: dict[str, dict[str, list[list[str]]]] = defaultdict(lambda: defaultdict(list))
    for item in sorted(gold):
        parts[gold[item]][system[item]].append(list(reports[item]))
    return [
        {"gold": key, "system_incidents": dict(sorted(by_system.items()))}
        for key, by_system in sorted(parts.items())
        if len(by_system) > 1
    ]
