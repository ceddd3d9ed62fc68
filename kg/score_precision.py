"""Scoring precision codes and the where-it-happened place (``gold/precision.jsonl``).

The gold is keyed by document id and the trigger offsets of the events of ``gold/parts``, so
it scores the events ``kg.evaluate`` matched: the share whose time precision code (day, week,
month, year) and publication-date flag agree with gold, whose geo precision code (exact, part,
region, country) agrees, and whose ``sem:hasPlace`` is the gold place of the event.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.evaluate import Accuracy, DocGraph, SysEvent, _filler_matches
from kg.query import run_local
from kg.rdf import ACO, GEO_PRECISION, PRECISION
from kg.store import GraphStore

TIME_CODE = {ACO + v: k for k, v in PRECISION.items()}
GEO_CODE = {ACO + v: k for k, v in GEO_PRECISION.items()}
Key = tuple[str, tuple[tuple[int, int], ...]]


def _key(doc_id: str, triggers: list[list[int]]) -> Key:
    return doc_id, tuple((int(a), int(b)) for a, b in triggers)


def read_precision_gold(path: Path) -> dict[Key, dict[str, Any]]:
    """(document id, trigger offsets) -> the gold codes of that event."""
    if not path.is_file():
        raise InputError(f"no such precision gold file: {path}")
    out: dict[Key, dict[str, Any]] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            for ev in record["events"]:
                out[_key(record["id"], ev["triggers"])] = ev
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise InputError(f"malformed precision gold record: {exc} ({path}:{lineno})") from exc
    return out


@dataclass
class Codes:
    time: str | None = None
    from_publication: bool = False
    geo: str | None = None


def read_codes(store: GraphStore) -> dict[str, Codes]:
    """Event IRI -> the precision codes the graph gives it."""
    codes: dict[str, Codes] = {}
    rows = run_local(
        store,
        """SELECT ?ev ?t ?pub ?geo WHERE { ?ev aco:trigger ?x .
        OPTIONAL { ?ev aco:timePrecision ?t } OPTIONAL { ?ev aco:timeFromPublicationDate ?pub }
        OPTIONAL { ?ev aco:geoPrecision ?geo } }""",
    ).values()
    for ev, t, pub, geo in rows:
        assert ev is not None
        codes[ev] = Codes(TIME_CODE.get(t or ""), pub == "true", GEO_CODE.get(geo or ""))
    return codes


@dataclass
class PrecisionReport:
    time: Accuracy = field(default_factory=Accuracy)
    from_publication: Accuracy = field(default_factory=Accuracy)
    geo: Accuracy = field(default_factory=Accuracy)
    place: Accuracy = field(default_factory=Accuracy)
    geo_right_place: Accuracy = field(default_factory=Accuracy)  # geo code where the place is right
    unannotated: int = 0  # matched events the precision gold has no entry for
    confusion: dict[str, int] = field(default_factory=dict)  # "geo exact as region": n

    def as_dict(self) -> dict[str, Any]:
        return {"time_precision": self.time.row(), "from_publication": self.from_publication.row(),
                "geo_precision": self.geo.row(), "place": self.place.row(),
                "geo_precision_right_place": self.geo_right_place.row(),
                "unannotated": self.unannotated,
                "confusion": dict(sorted(self.confusion.items(), key=lambda kv: -kv[1]))}  # fmt: skip

    def _miss(self, what: str, gold: str | None, system: str | None) -> None:
        name = f"{what} {gold} as {system}"
        self.confusion[name] = self.confusion.get(name, 0) + 1


def score_precision(
    matched: list[tuple[dict[str, Any], dict[str, Any], SysEvent]],
    gold: dict[Key, dict[str, Any]],
    codes: dict[str, Codes],
    docs: dict[str, DocGraph],
) -> PrecisionReport:
    """Score the matched (gold record, gold event, system event) triples of ``kg.evaluate``."""
    report = PrecisionReport()
    for record, ge, se in matched:
        pg = gold.get(_key(record["id"], ge["triggers"]))
        if pg is None:
            report.unannotated += 1
            continue
        sys = codes.get(se.iri, Codes())
        report.time.total += 1
        report.time.right += sys.time == pg["time_precision"]
        if sys.time != pg["time_precision"]:
            report._miss("time", pg["time_precision"], sys.time)
        report.from_publication.total += 1
        report.from_publication.right += sys.from_publication == pg["time_from_publication"]
        if pg["geo_precision"]:
            report.geo.total += 1
            report.geo.right += sys.geo == pg["geo_precision"]
            if sys.geo != pg["geo_precision"]:
                report._miss("geo", pg["geo_precision"], sys.geo)
        if pg["place"]:
            span = (pg["place"][0], pg["place"][1])
            qid = next((m["qid"] for m in record["mentions"]
                        if (m["start"], m["end"]) == span), None)  # fmt: skip
            doc = docs[record["id"]]
            right = se.place is not None and _filler_matches(se.place, span, doc, qid)
            report.place.total += 1
            report.place.right += right
            if right and pg["geo_precision"]:
                report.geo_right_place.total += 1
                report.geo_right_place.right += sys.geo == pg["geo_precision"]
    return report
