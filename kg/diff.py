"""What changed between two builds, per document and per incident, in domain terms.

Each build (a store folder or an RDF file) is read as its named graphs (``kg.builds``) and
graphs are compared as sets of triples; an edited document's old graph is first moved into
the new offsets (``kg.align``). Document graphs have no blank nodes: every IRI is a function
of the document id and offsets.

A document graph that differs is explained subject by subject: events added or removed, a
changed toll ("fatalities 14 → 16"), class, place, actor or date; a mention re-linked to
another entity. The text edit behind a change is reported per document (``edited``), not as
a change of its own. Run graphs are left out unless asked for: they differ between any two
runs by design.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kg.align import context_text, match_incidents, realign, rename
from kg.builds import DOC_GRAPH, Build, Triple, value
from kg.rdf import (
    ACO,
    ENTITIES_GRAPH,
    ITSRDF,
    NIF,
    ONTOLOGY_GRAPH,
    PREFIXES,
    RDF,
    RES,
    SEM,
)

RUN_GRAPH = RES + "graph/run/"
INCIDENTS_GRAPH = RES + "graph/incidents"
TOLLS = ("fatalities", "civilianFatalities", "childFatalities", "womenFatalities", "injured")
ROLES = ("agent", "target", "victim", "mediator", "addressee", "reportedBy")
TIME = ("timePrecision", "timeExpression", "timeFromPublicationDate")
PO = tuple[str, str]


@dataclass(frozen=True)
class Change:
    scope: str  # "ex-001" (a document), "incident", "entities", "ontology", a graph IRI
    subject: str
    kind: str  # "event added", "toll changed", "mention re-linked", …
    before: str = ""
    after: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"scope": self.scope, "subject": self.subject, "kind": self.kind,
                "before": self.before, "after": self.after}  # fmt: skip


@dataclass
class Diff:
    a: str
    b: str
    documents: int = 0  # compared (in A or B)
    added: list[str] = field(default_factory=list)  # documents only in B
    removed: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)  # documents whose text changed
    changes: list[Change] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.changes

    def line(self) -> str:
        kinds: dict[str, int] = defaultdict(int)
        for c in self.changes:
            kinds[c.kind] += 1
        what = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        return (
            f"{self.documents} documents compared, {len(self.added)} added, "
            f"{len(self.removed)} removed, {len(self.edited)} with edited text; "
            f"{len(self.changes)} changes" + (f" ({what})" if what else "")
        )

    def as_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "documents": self.documents,
                "documents_added": self.added, "documents_removed": self.removed,
                "documents_edited": self.edited,
                "changes": [c.as_dict() for c in self.changes]}  # fmt: skip


# -- comparing -------------------------------------------------------------------------------
def compare(a: Build, b: Build, *, include_runs: bool = False) -> Diff:
    result = Diff(a.label, b.label)
    a = aligned(a, b)
    names = sorted(set(a.graphs) | set(b.graphs))
    for g in names:
        if g.startswith(RUN_GRAPH) and not include_runs:
            continue
        ta, tb = a.graphs.get(g, set()), b.graphs.get(g, set())
        if g.startswith(DOC_GRAPH):
            result.documents += 1
            doc = _doc_id(ta or tb, g)
            if not ta:
                result.added.append(doc)
                result.changes.append(Change(doc, doc, "document added", "", _events_in(tb)))
            elif not tb:
                result.removed.append(doc)
                result.changes.append(Change(doc, doc, "document removed", _events_in(ta), ""))
            elif ta != tb:
                result.changes += _document_changes(doc, ta, tb, result)
        elif ta == tb or (g == ONTOLOGY_GRAPH and not (ta and tb)):
            continue  # RDF files do not carry the ontology graph a store holds
        elif g == ENTITIES_GRAPH:
            result.changes += _entity_changes(ta, tb)
        elif g == INCIDENTS_GRAPH:
            result.changes += _incident_changes(ta, tb)
        elif g == ONTOLOGY_GRAPH:
            result.changes.append(
                Change("ontology", short(g), "ontology changed", f"-{len(ta - tb)} triples",
                       f"+{len(tb - ta)} triples")
            )  # fmt: skip
        else:
            kind = "run" if g.startswith(RUN_GRAPH) else "graph"
            what = f"{kind} added" if not ta else f"{kind} removed" if not tb else f"{kind} changed"
            result.changes.append(
                Change(short(g), short(g), what, f"{len(ta)} triples", f"{len(tb)} triples")
            )
    return result


def aligned(a: Build, b: Build) -> Build:
    """A with each edited document's graph moved into B's offsets (``kg.align``), and its
    incidents renamed to B's where they group the same reports."""
    graphs = dict(a.graphs)
    moved: dict[str, str] = {}
    for g, ta in a.graphs.items():
        tb = b.graphs.get(g)
        if not g.startswith(DOC_GRAPH) or not tb or ta == tb:
            continue
        old, new = context_text(ta), context_text(tb)
        if old is not None and new is not None and old != new:
            graphs[g], names = realign(ta, old, new)
            moved.update(names)
    if moved:
        for g in graphs:
            if not g.startswith(DOC_GRAPH):
                graphs[g] = rename(graphs[g], moved)
    if INCIDENTS_GRAPH in graphs and INCIDENTS_GRAPH in b.graphs:
        names = match_incidents(graphs[INCIDENTS_GRAPH], b.graphs[INCIDENTS_GRAPH])
        graphs = {g: rename(t, names) for g, t in graphs.items()} if names else graphs
    return Build(a.label, graphs)


def _by_subject(triples: set[Triple]) -> dict[str, set[PO]]:
    out: dict[str, set[PO]] = defaultdict(set)
    for s, p, o in triples:
        out[s].add((p, o))
    return out


def _doc_id(triples: set[Triple], graph: str) -> str:
    for s, p, o in triples:
        if p == f"<{PREFIXES['dcterms']}identifier>" and s.endswith("#context>"):
            return value(o)
    return graph[len(DOC_GRAPH) :]


def _events_in(triples: set[Triple]) -> str:
    n = sum(1 for s, p, _ in triples if p == f"<{ACO}reportedIn>" and "/count/" not in s)
    return f"{n} events"


def _objects(pos: set[PO], pred: str) -> list[str]:
    """The values of ``pred`` (an IRI, with or without angle brackets)."""
    wanted = f"<{pred.strip('<>')}>"
    return sorted(value(o) for p, o in pos if p == wanted)


def _document_changes(doc: str, ta: set[Triple], tb: set[Triple], result: Diff) -> list[Change]:
    sa, sb = _by_subject(ta), _by_subject(tb)
    changes: list[Change] = []
    events: dict[str, dict[str, tuple[list[str], list[str]]]] = defaultdict(dict)
    referenced = {o for _, _, o in ta ^ tb}  # words an event or claim now points at, or no more
    for subj in sorted(set(sa) | set(sb)):
        pa, pb = sa.get(subj, set()), sb.get(subj, set())
        if pa == pb:
            continue
        name = subj.strip("<>")
        if name.endswith("#context"):
            changes += _context_changes(doc, name, pa, pb, result)
        elif "/count/" in name:
            event = "<" + name.split("/count/")[0] + ">"
            if event in sa and event in sb:
                for p in sorted({p for p, _ in pa ^ pb}):
                    events[event].setdefault(
                        "claim " + local(p), (_objects(pa, p), _objects(pb, p))
                    )
        elif "/event/" in name:
            if not pa or not pb:
                kind = "event added" if not pa else "event removed"
                desc = _describe_event(pb or pa)
                changes.append(Change(doc, short(name), kind, "" if not pa else desc,
                                      "" if not pb else desc))  # fmt: skip
                continue
            for p in sorted({p for p, _ in pa ^ pb}):
                events[subj][local(p)] = (_objects(pa, p), _objects(pb, p))
        elif "#char=" in name:
            changes += _phrase_changes(doc, name, pa, pb, subj in referenced)
        else:
            changes.append(Change(doc, short(name), "other change", _pos(pa - pb), _pos(pb - pa)))
    for subj, props in events.items():
        changes += _event_changes(doc, short(subj), props)
    return changes


def _context_changes(doc: str, name: str, pa: set[PO], pb: set[PO], result: Diff) -> list[Change]:
    changed = {local(p) for p, _ in pa ^ pb}
    if changed & {"isString", "contentHash", "endIndex"}:
        result.edited.append(doc)
    meta = sorted(changed - {"isString", "contentHash", "endIndex"})
    return [
        Change(doc, short(name), "metadata changed", f"{p}: {_named(pa, p)}", f"{p}: {_named(pb, p)}")
        for p in meta
    ]  # fmt: skip


def _named(pos: set[PO], name: str) -> str:
    return ", ".join(sorted(short(value(o)) for p, o in pos if local(p) == name))


def _phrase_changes(doc: str, name: str, pa: set[PO], pb: set[PO], explained: bool) -> list[Change]:
    """A sentence, a mention (added, removed, re-linked…) or other words: those of a trigger
    or a figure are reported through their event (``explained``), and a changed
    ``nif:anchorOf`` alone is the text edit itself."""
    link = ITSRDF + "taIdentRef"
    la, lb = _objects(pa, link), _objects(pb, link)
    sentence = f"<{NIF}Sentence>"
    if any(o == sentence for _, o in pa | pb):
        kind = "sentence added" if not pa else "sentence removed" if not pb else "sentence changed"
        return [Change(doc, short(name), kind)]
    words = (_objects(pb, NIF + "anchorOf") or _objects(pa, NIF + "anchorOf") or [""])[0]
    subject = f"{short(name)} «{words}»"
    edited = bool(_objects(pa, NIF + "anchorOf") and _objects(pb, NIF + "anchorOf"))
    rest = sorted({local(p) for p, _ in pa ^ pb} - ({"anchorOf"} if edited else set()))
    if not la and not lb:
        if explained or not rest:
            return []
        return [Change(doc, subject, "words changed", _pos(pa - pb), _pos(pb - pa))]
    if not la or not lb:
        kind = "mention added" if not la else "mention removed"
        return [Change(doc, subject, kind, short_all(la), short_all(lb))]
    out = []
    if la != lb:
        out.append(Change(doc, subject, "mention re-linked", short_all(la), short_all(lb)))
    for p in rest:
        if p != "taIdentRef":
            va, vb = _named(pa, p), _named(pb, p)
            out.append(Change(doc, subject, f"mention {p} changed", va, vb))
    return out


def _event_changes(
    doc: str, subject: str, props: dict[str, tuple[list[str], list[str]]]
) -> list[Change]:
    """One change per kind of difference of one event: all toll figures in one row."""
    return _grouped(doc, subject, props, _event_kind, "count claim changed")


def _grouped(
    scope: str,
    subject: str,
    props: dict[str, tuple[list[str], list[str]]],
    kind_of: Callable[[str], str],
    follows_toll: str,
) -> list[Change]:
    """One change per kind of difference (``kind_of`` a property name); ``follows_toll`` is
    left out when the toll changed too: the claims behind the figures changed with them."""
    groups: dict[str, list[str]] = defaultdict(list)
    for prop in sorted(props):
        groups[kind_of(prop)].append(prop)
    if any(k.endswith("toll changed") for k in groups):
        groups.pop(follows_toll, None)
    out = []
    for kind, names in groups.items():
        before = "; ".join(f"{n} {short_all(props[n][0])}".strip() for n in names)
        after = "; ".join(f"{n} {short_all(props[n][1])}".strip() for n in names)
        out.append(Change(scope, subject, kind, before, after))
    return out


def _event_kind(prop: str) -> str:
    base = prop.removesuffix("Qualifier")
    if base in TOLLS:
        return "toll changed"
    if prop.startswith("claim ") or prop == "hasCountClaim":
        return "count claim changed"
    if prop in ROLES:
        return "actor changed"
    if prop == "hasPlace":
        return "place changed"
    if prop in ("geoPrecision", "mentionedPlace"):
        return "place precision changed"
    if prop == "hasTimeStamp":
        return "date changed"
    if prop in TIME:
        return "time precision changed"
    if prop in ("type", "reportedEventClass", "factuality"):
        return "class changed"
    if prop == "trigger":
        return "triggers changed"
    return f"event {prop} changed"


def _describe_event(pos: set[PO]) -> str:
    classes = [short(c) for c in _objects(pos, RDF + "type")]
    places = [short(p) for p in _objects(pos, SEM + "hasPlace")]
    toll = _objects(pos, ACO + "fatalities")
    parts = [", ".join(classes)]
    if places:
        parts.append("at " + ", ".join(places))
    if toll:
        parts.append(f"fatalities {toll[0]}")
    return " ".join(parts)


def _entity_changes(ta: set[Triple], tb: set[Triple]) -> list[Change]:
    sa, sb = _by_subject(ta), _by_subject(tb)
    out = []
    for subj in sorted(set(sa) | set(sb)):
        pa, pb = sa.get(subj, set()), sb.get(subj, set())
        if pa == pb:
            continue
        kind = "entity added" if not pa else "entity removed" if not pb else "entity changed"
        label = (_objects(pb or pa, PREFIXES["rdfs"] + "label") or [""])[0]
        out.append(
            Change("entities", f"{short(subj)} «{label}»", kind, _pos(pa - pb), _pos(pb - pa))
        )
    return out


def _incident_kind(prop: str) -> str:
    if prop.startswith(("fatalities", "injured", "tolls")) or prop == "hasTollClaim":
        return "incident toll changed"
    if prop in ("hasReport", "reportCount", "outletCount"):
        return "reports regrouped"
    if prop in ("agent", "target", "victim"):
        return "incident actor changed"
    if prop == "hasPlace":
        return "incident place changed"
    if prop in ("hasTimeStamp", "timePrecision"):
        return "incident date changed"
    if prop == "type":
        return "incident class changed"
    if prop == "groupingEvidence":
        return "evidence changed"
    return f"incident {prop} changed"


def _incident_changes(ta: set[Triple], tb: set[Triple]) -> list[Change]:
    """Per incident: added, removed, reports regrouped, its toll, place, date, actors or the
    evidence that grouped it changed (evidence records count for their incident)."""
    sa, sb = _by_subject(ta), _by_subject(tb)
    owner: dict[str, str] = {}
    for triples in (ta, tb):
        for s, p, o in triples:
            if local(p) == "groupingEvidence":
                owner[o] = s
    incident = f"<{ACO}Incident>"
    incidents = {s for s, pos in (*sa.items(), *sb.items()) if (f"<{RDF}type>", incident) in pos}
    out = []
    props: dict[str, dict[str, tuple[list[str], list[str]]]] = defaultdict(dict)
    for subj in sorted(set(sa) | set(sb)):
        pa, pb = sa.get(subj, set()), sb.get(subj, set())
        if pa == pb:
            continue
        if subj in incidents and (not pa or not pb):
            kind = "incident added" if not pa else "incident removed"
            reports = f"{len(_objects(pb or pa, ACO + 'hasReport'))} reports"
            out.append(Change("incident", short(subj), kind, reports if pa else "",
                              reports if pb else ""))  # fmt: skip
        elif subj in incidents:
            for p in sorted({p for p, _ in pa ^ pb}):
                props[subj][local(p)] = (_objects(pa, p), _objects(pb, p))
        elif owner.get(subj) in incidents and owner[subj] in sa and owner[subj] in sb:
            for p in sorted({p for p, _ in pa ^ pb}):
                props[owner[subj]]["evidence " + local(p)] = (_objects(pa, p), _objects(pb, p))
        elif subj not in owner:
            out.append(
                Change("incident", short(subj), "other change", _pos(pa - pb), _pos(pb - pa))
            )
    for subj, changed in props.items():
        out += _grouped("incident", short(subj), changed,
                        lambda p: "evidence changed" if p.startswith("evidence ") else _incident_kind(p),
                        "evidence changed")  # fmt: skip
    return out


# -- terms -----------------------------------------------------------------------------------
_SHORT = sorted(((ns, p) for p, ns in PREFIXES.items()), key=lambda x: -len(x[0]))


def short(name: str) -> str:
    name = name.strip("<>")
    if name.startswith(RES + "doc/"):
        return name[len(RES + "doc/") :]
    for ns, prefix in _SHORT:
        if name.startswith(ns):
            return f"{prefix}:{name[len(ns) :]}"
    return name


def short_all(values: list[str]) -> str:
    return ", ".join(short(v) for v in values)


def local(pred: str) -> str:
    name = pred.strip("<>")
    return name.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _pos(pos: set[PO]) -> str:
    return "; ".join(f"{local(p)} {short(value(o))}" for p, o in sorted(pos))
