"""Scoring a built graph against gold annotations (``docs/annotation.md``).

Everything the system said is read back from the graph with SPARQL, so the score is the
score of what users get. Mentions: exact-span and overlap P/R/F1, per kind. Linking:
span + QID P/R/F1, bag of QIDs per document, NIL accuracy. Events: type P/R/F1 (same class,
a trigger in the same sentence), role fillers, place, date and fatality accuracy on matched
events, negated events asserted as facts, and sentence-level detection of violent and protest
events.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.model import ACTOR_KINDS
from kg.query import run_local
from kg.rdf import ACO, KIND_CLASS, WD
from kg.store import GraphStore

CLASS_KIND = {ACO + v: k for k, v in KIND_CLASS.items()}
VIOLENT = {"ArmedClash", "GovernmentRegainsTerritory", "NonStateActorTakesTerritory", "AirStrike",
           "Shelling", "Bombing", "AttackOnCivilians", "Abduction", "Killing"}  # fmt: skip
PATIENT = ("target", "victim")
ROLES = ("agent", "patient", "mediator", "addressee")

Span = tuple[int, int]


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def row(self) -> dict[str, float | int]:
        return {"p": round(self.precision, 3), "r": round(self.recall, 3), "f1": round(self.f1, 3),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}  # fmt: skip


@dataclass
class Accuracy:
    right: int = 0
    total: int = 0

    @property
    def value(self) -> float:
        return self.right / self.total if self.total else 0.0

    def row(self) -> dict[str, float | int]:
        return {"accuracy": round(self.value, 3), "right": self.right, "total": self.total}


@dataclass
class SysMention:
    span: Span
    entity: str
    kind: str
    qid: str | None


@dataclass
class SysEvent:
    iri: str
    cls: str
    triggers: list[Span] = field(default_factory=list)
    roles: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    place: str | None = None
    date: str | None = None
    fatalities: int | None = None


@dataclass
class DocGraph:
    text_sha1: str
    sentences: list[Span]
    mentions: list[SysMention]
    events: list[SysEvent]
    nonfactual: list[SysEvent]
    qid_of: dict[str, str | None]


def _qid(iri: str, same_as: str | None) -> str | None:
    for value in (iri, same_as or ""):
        if value.startswith(WD + "Q"):
            return value[len(WD) :]
    return None


def read_graph(store: GraphStore) -> dict[str, DocGraph]:
    """What the graph says about each document, keyed by document id."""

    def q(sparql: str) -> list[list[str | None]]:
        return run_local(store, sparql).values()

    docs: dict[str, DocGraph] = {}
    for doc_id, text in q(
        "SELECT ?id ?t WHERE { ?c a nif:Context ; dcterms:identifier ?id ; nif:isString ?t }"
    ):
        assert doc_id is not None and text is not None
        docs[doc_id] = DocGraph(hashlib.sha1(text.encode("utf-8")).hexdigest(), [], [], [], [], {})
    for doc_id, b, e in q("""SELECT ?id ?b ?e WHERE { ?s a nif:Sentence ; nif:referenceContext ?c ;
            nif:beginIndex ?b ; nif:endIndex ?e . ?c dcterms:identifier ?id }"""):
        docs[str(doc_id)].sentences.append((int(str(b)), int(str(e))))
    same: dict[str, str] = {str(s): str(o) for s, o in q("SELECT ?s ?o WHERE { ?s owl:sameAs ?o }")}
    for (
        doc_id,
        b,
        e,
        ent,
        cls,
    ) in q("""SELECT ?id ?b ?e ?ent ?cls WHERE { ?m itsrdf:taIdentRef ?ent ;
            itsrdf:taClassRef ?cls ; nif:referenceContext ?c ; nif:beginIndex ?b ; nif:endIndex ?e .
            ?c dcterms:identifier ?id }"""):
        ent = str(ent)
        doc = docs[str(doc_id)]
        qid = _qid(ent, same.get(ent))
        doc.qid_of[ent] = qid
        doc.mentions.append(SysMention((int(str(b)), int(str(e))), ent, CLASS_KIND[str(cls)], qid))
    events: dict[str, tuple[str, SysEvent, bool]] = {}
    for doc_id, ev, cls, fact in q("""SELECT DISTINCT ?id ?ev ?cls ?fact WHERE {
            ?ev aco:reportedIn ?c ; aco:trigger ?t . ?c dcterms:identifier ?id .
            { ?ev a ?cls . FILTER(?cls != aco:NonFactualEvent) BIND(true AS ?fact) }
            UNION { ?ev aco:reportedEventClass ?cls . BIND(false AS ?fact) } }"""):
        events[str(ev)] = (str(doc_id), SysEvent(str(ev), str(cls)[len(ACO) :]), fact == "true")
    for ev, b, e in q("""SELECT ?ev ?b ?e WHERE { ?ev aco:trigger ?t . ?t nif:beginIndex ?b ;
            nif:endIndex ?e }"""):
        events[str(ev)][1].triggers.append((int(str(b)), int(str(e))))
    for ev, role, ent in q("""SELECT ?ev ?role ?ent WHERE { VALUES ?role { aco:agent aco:target
            aco:victim aco:mediator aco:addressee } ?ev ?role ?ent ; aco:reportedIn [] }"""):
        name = str(role)[len(ACO) :]
        events[str(ev)][1].roles["patient" if name in PATIENT else name].add(str(ent))
    for ev, place in q("SELECT ?ev ?p WHERE { ?ev sem:hasPlace ?p ; aco:reportedIn [] }"):
        events[str(ev)][1].place = str(place)
    for ev, date in q("SELECT ?ev ?d WHERE { ?ev sem:hasTimeStamp ?d ; aco:reportedIn [] }"):
        events[str(ev)][1].date = str(date)
    for ev, n in q("SELECT ?ev ?n WHERE { ?ev aco:fatalities ?n }"):
        events[str(ev)][1].fatalities = int(str(n))
    for owner, sev, factual in events.values():
        (docs[owner].events if factual else docs[owner].nonfactual).append(sev)
    return docs


def read_gold(paths: Iterable[Path]) -> list[dict[str, Any]]:
    gold = []
    for path in paths:
        files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
        for f in files:
            for lineno, line in enumerate(f.read_text(encoding="utf-8").splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    gold.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise InputError(f"malformed gold record: {exc.msg} ({f}:{lineno})") from exc
    if not gold:
        raise InputError("no gold annotations found", hint="point at gold/parts or a .jsonl file")
    return gold


def _sentence(sentences: list[Span], offset: int) -> int:
    for k, (b, e) in enumerate(sentences):
        if b <= offset < e:
            return k
    return -1


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@dataclass
class Report:
    documents: int = 0
    missing: list[str] = field(default_factory=list)
    mention_exact: PRF = field(default_factory=PRF)
    mention_typed: PRF = field(default_factory=PRF)
    mention_overlap: PRF = field(default_factory=PRF)
    by_kind: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    linking: PRF = field(default_factory=PRF)
    linking_bag: PRF = field(default_factory=PRF)
    linking_by_kind: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    nil: Accuracy = field(default_factory=Accuracy)
    events: PRF = field(default_factory=PRF)
    events_by_class: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    arguments: PRF = field(default_factory=PRF)
    place: Accuracy = field(default_factory=Accuracy)
    date: Accuracy = field(default_factory=Accuracy)
    fatalities: Accuracy = field(default_factory=Accuracy)
    negated_asserted: int = 0
    negated_total: int = 0
    violent_sentences: PRF = field(default_factory=PRF)
    protest_sentences: PRF = field(default_factory=PRF)
    errors: Counter[str] = field(default_factory=Counter)
    # (gold record, gold event, system event) of every matched event, for further scorers
    matched: list[tuple[dict[str, Any], dict[str, Any], SysEvent]] = field(default_factory=list)
    precision: dict[str, Any] | None = None  # kg.score_precision's report, when it ran

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "missing_documents": self.missing,
            "mentions": {"exact": self.mention_exact.row(), "typed": self.mention_typed.row(),
                         "overlap": self.mention_overlap.row(),
                         "by_kind": {k: v.row() for k, v in sorted(self.by_kind.items())}},
            "linking": {"span_qid": self.linking.row(), "bag_of_qids": self.linking_bag.row(),
                        "nil_accuracy": self.nil.row(),
                        "by_kind": {k: v.row() for k, v in sorted(self.linking_by_kind.items())}},
            "events": {"type": self.events.row(), "arguments": self.arguments.row(),
                       "place": self.place.row(), "date": self.date.row(),
                       "fatalities": self.fatalities.row(),
                       "negated_asserted": self.negated_asserted, "negated_total": self.negated_total,
                       "violent_sentences": self.violent_sentences.row(),
                       "protest_sentences": self.protest_sentences.row(),
                       "by_class": {k: v.row() for k, v in sorted(self.events_by_class.items())}},
            "errors": dict(self.errors.most_common()),
            **({"precision": self.precision} if self.precision is not None else {}),
        }  # fmt: skip


def evaluate(gold: list[dict[str, Any]], docs: dict[str, DocGraph]) -> Report:
    report = Report()
    for g in gold:
        if "incident" in g:  # incident gold: kg.bcubed scores it
            continue
        if "mentions" not in g and all("time_precision" in e for e in g.get("events", [])):
            continue  # precision gold (gold/precision.jsonl): kg.score_precision scores it
        doc = docs.get(g["id"])
        if doc is None:
            report.missing.append(g["id"])
            continue
        if doc.text_sha1 != g["sha1"]:
            raise InputError(f"gold for {g['id']} was made on another text (sha1 differs)")
        report.documents += 1
        _score_mentions(g, doc, report)
        _score_events(g, doc, report)
    return report


def _score_mentions(g: dict[str, Any], doc: DocGraph, report: Report) -> None:
    gold = {(m["start"], m["end"]): m for m in g["mentions"]}
    system = {m.span: m for m in doc.mentions}
    for span, gm in gold.items():
        sm = system.get(span)
        kind = gm["kind"]
        if sm is None:
            report.mention_exact.fn += 1
            report.mention_typed.fn += 1
            report.by_kind[kind].fn += 1
            report.errors[f"mention missed: {kind}"] += 1
            continue
        report.mention_exact.tp += 1
        if sm.kind == kind:
            report.mention_typed.tp += 1
            report.by_kind[kind].tp += 1
        else:
            report.mention_typed.fn += 1
            report.mention_typed.fp += 1
            report.by_kind[kind].fn += 1
            report.by_kind[sm.kind].fp += 1
            report.errors[f"mention kind: {kind} as {sm.kind}"] += 1
    for span, sm in system.items():
        if span not in gold:
            report.mention_exact.fp += 1
            report.mention_typed.fp += 1
            report.by_kind[sm.kind].fp += 1
            report.errors[f"mention spurious or mis-spanned: {sm.kind}"] += 1
    used: set[Span] = set()
    for span in gold:
        hit = next((s for s in system if s not in used and _overlaps(s, span)), None)
        if hit is None:
            report.mention_overlap.fn += 1
        else:
            used.add(hit)
            report.mention_overlap.tp += 1
    report.mention_overlap.fp += len(system) - len(used)
    # linking: span + QID
    for span, gm in gold.items():
        sm = system.get(span)
        kind_class = "actor" if gm["kind"] in ACTOR_KINDS else "place"
        if gm["qid"]:
            if sm is not None and sm.qid == gm["qid"]:
                report.linking.tp += 1
                report.linking_by_kind[kind_class].tp += 1
            else:
                report.linking.fn += 1
                report.linking_by_kind[kind_class].fn += 1
                if sm is not None and sm.qid:
                    report.errors["link: wrong QID"] += 1
                elif sm is not None:
                    report.errors["link: NIL for a linked mention"] += 1
        elif sm is not None:
            report.nil.total += 1
            report.nil.right += sm.qid is None
            if sm.qid:
                report.errors["link: QID for a NIL mention"] += 1
    for span, sm in system.items():
        if sm.qid and not (span in gold and gold[span]["qid"] == sm.qid):
            report.linking.fp += 1
            report.linking_by_kind["actor" if sm.kind in ACTOR_KINDS else "place"].fp += 1
    gold_bag = {m["qid"] for m in g["mentions"] if m["qid"]}
    sys_bag = {m.qid for m in doc.mentions if m.qid}
    report.linking_bag.tp += len(gold_bag & sys_bag)
    report.linking_bag.fp += len(sys_bag - gold_bag)
    report.linking_bag.fn += len(gold_bag - sys_bag)


def _filler_matches(entity: str, span: Span, doc: DocGraph, gold_qid: str | None) -> bool:
    """Does the system entity fill the gold filler at ``span``?"""
    if gold_qid and doc.qid_of.get(entity) == gold_qid:
        return True
    return any(m.entity == entity and _overlaps(m.span, span) for m in doc.mentions)


def _filler_entities(
    ge: dict[str, Any], role: str, gold_entity: dict[Span, str], spans_of: dict[str, list[Span]]
) -> dict[str, list[Span]]:
    """The gold fillers of ``role`` as entities, each with every span the document names it by.

    A role is filled by an entity, not by a span (the graph holds entity IRIs), so a system
    filler is right when it is the gold entity however the system found it: by its QID, or
    through any mention of it in the document (a coreferent mention elsewhere counts).
    """
    out: dict[str, list[Span]] = {}
    for r in (role,) if role != "patient" else PATIENT:
        for span in ge.get(r, []):
            sp = (span[0], span[1])
            key = gold_entity.get(sp, f"{sp}")
            out.setdefault(key, list(spans_of.get(key, [sp])))
    return out


def _score_events(g: dict[str, Any], doc: DocGraph, report: Report) -> None:
    sents = doc.sentences
    qid_at = {(m["start"], m["end"]): m["qid"] for m in g["mentions"]}
    gold_entity = {(m["start"], m["end"]): m["qid"] or m["label"] for m in g["mentions"]}
    spans_of: dict[str, list[Span]] = defaultdict(list)
    for sp, key in gold_entity.items():
        spans_of[key].append(sp)
    positive = [e for e in g["events"] if not e.get("negated") and not e.get("hedged")]
    system = list(doc.events)
    used: set[int] = set()
    pairs: list[tuple[dict[str, Any], SysEvent]] = []
    for ge in positive:
        gsent = {_sentence(sents, t[0]) for t in ge["triggers"]}
        best = None
        for k, se in enumerate(system):
            if k in used or se.cls != ge["class"]:
                continue
            if any(_sentence(sents, t[0]) in gsent for t in se.triggers):
                overlap = any(_overlaps(tuple(a), b) for a in ge["triggers"] for b in se.triggers)
                if best is None or overlap:
                    best = k
                    if overlap:
                        break
        if best is None:
            report.events.fn += 1
            report.events_by_class[ge["class"]].fn += 1
            report.errors[f"event missed: {ge['class']}"] += 1
        else:
            used.add(best)
            report.events.tp += 1
            report.events_by_class[ge["class"]].tp += 1
            pairs.append((ge, system[best]))
    for k, se in enumerate(system):
        if k not in used:
            report.events.fp += 1
            report.events_by_class[se.cls].fp += 1
            report.errors[f"event spurious: {se.cls}"] += 1
    report.matched += [(g, ge, se) for ge, se in pairs]
    # role fillers over all events: unmatched gold fillers are missed, unmatched system ones wrong
    matched_sys = {id(se) for _, se in pairs}
    for ge, se in pairs:
        for role in ROLES:
            wanted = _filler_entities(ge, role, gold_entity, spans_of)
            found: set[str] = set()
            for ent in se.roles.get(role, ()):
                hit = next(
                    (name for name, spans in wanted.items() if name not in found and any(
                        _filler_matches(ent, sp, doc, qid_at.get(sp)) for sp in spans)),
                    None,
                )  # fmt: skip
                if hit is None:
                    report.arguments.fp += 1
                    report.errors[f"argument wrong: {role}"] += 1
                else:
                    found.add(hit)
                    report.arguments.tp += 1
            report.arguments.fn += len(wanted) - len(found)
        if ge.get("place"):
            report.place.total += 1
            place = _filler_entities(ge, "place", gold_entity, spans_of)
            ok = se.place is not None and any(
                _filler_matches(se.place, sp, doc, qid_at.get(sp))
                for sp in next(iter(place.values()))
            )
            report.place.right += ok
        if ge.get("date"):
            report.date.total += 1
            report.date.right += se.date == ge["date"]
        if ge.get("fatalities") is not None:
            report.fatalities.total += 1
            report.fatalities.right += se.fatalities == ge["fatalities"]
            if se.fatalities != ge["fatalities"]:
                report.errors["fatalities wrong on a matched event"] += 1
    for ge in positive:
        if not any(ge is x for x, _ in pairs):
            # entities, as for matched events (not every coreferent span the annotator listed)
            report.arguments.fn += sum(
                len(_filler_entities(ge, r, gold_entity, spans_of)) for r in ROLES
            )
    for se in system:
        if id(se) not in matched_sys:
            report.arguments.fp += sum(len(v) for v in se.roles.values())
    # negated events asserted as facts
    for ge in g["events"]:
        if ge.get("negated"):
            report.negated_total += 1
            gsent = {_sentence(sents, t[0]) for t in ge["triggers"]}
            if any(
                se.cls == ge["class"] and any(_sentence(sents, t[0]) in gsent for t in se.triggers)
                for se in system
            ):
                report.negated_asserted += 1
                report.errors["negated event asserted"] += 1
    # sentence-level detection
    for family, prf in (
        (VIOLENT, report.violent_sentences),
        ({"Protest"}, report.protest_sentences),
    ):
        gold_s = {
            _sentence(sents, t[0]) for e in positive if e["class"] in family for t in e["triggers"]
        }
        sys_s = {_sentence(sents, t[0]) for e in system if e.cls in family for t in e.triggers}
        prf.tp += len(gold_s & sys_s)
        prf.fp += len(sys_s - gold_s)
        prf.fn += len(gold_s - sys_s)
