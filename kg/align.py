"""Aligning two builds before ``kg diff`` compares them, so an edit is reported as what it is.

IRIs of spans, events and claims carry character offsets (``#char=12,18``, ``/event/0-4``).
When an edit changes a document's length («9 قتلى» → «12 قتيلاً»), every later offset moves
and, compared by IRI, every later mention and event would look removed and added again. So the
old graph of an edited document is first moved into the new text's offsets, through a
character alignment of the two texts (``difflib``), and the incidents that group the moved
events are matched by the reports they group.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_right
from collections.abc import Iterable

from kg.builds import Triple, value
from kg.rdf import ACO, NIF, RDF, XSD

_SPAN = re.compile(r"(#char=|/event/)(\d+)([,-])(\d+)")
_BEGIN, _END = f"<{NIF}beginIndex>", f"<{NIF}endIndex>"


class OffsetMap:
    """Old text offsets -> new text offsets, from the matching blocks of the two texts."""

    def __init__(self, old: str, new: str) -> None:
        ops = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
        self.ops = ops
        self.starts = [op[1] for op in ops]

    def _op(self, p: int) -> tuple[str, int, int, int, int]:
        return self.ops[max(0, bisect_right(self.starts, p) - 1)]

    def start(self, p: int) -> int:
        tag, i1, _, j1, _ = self._op(p)
        return j1 + (p - i1) if tag == "equal" else j1

    def end(self, p: int) -> int:
        tag, i1, _, j1, j2 = self._op(p - 1) if p > 0 else self._op(0)
        return j1 + (p - i1) if tag == "equal" else j2


def context_text(triples: Iterable[Triple]) -> str | None:
    for s, p, o in triples:
        if p == f"<{NIF}isString>" and s.endswith("#context>"):
            return value(o)
    return None


def realign(triples: set[Triple], old: str, new: str) -> tuple[set[Triple], dict[str, str]]:
    """The document graph ``triples`` (made on ``old``) moved into ``new``'s offsets, and the
    IRIs that moved (old -> new term)."""
    m = OffsetMap(old, new)
    moved: dict[str, str] = {}

    def span(match: re.Match[str]) -> str:
        kind, a, sep, b = match.groups()
        return f"{kind}{m.start(int(a))}{sep}{m.end(int(b))}"

    def term(t: str) -> str:
        if t.startswith("<") and ("#char=" in t or "/event/" in t):
            if t not in moved:
                moved[t] = _SPAN.sub(span, t)
            return moved[t]
        return t

    out = set()
    for s, p, o in triples:
        if p in (_BEGIN, _END) and not s.endswith("#context>"):
            n = int(value(o))
            o = f'"{m.start(n) if p == _BEGIN else m.end(n)}"^^<{XSD}integer>'
        out.add((term(s), p, term(o)))
    return out, {k: v for k, v in moved.items() if k != v}


def rename(triples: set[Triple], names: dict[str, str]) -> set[Triple]:
    if not names:
        return triples
    return {(names.get(s, s), p, names.get(o, o)) for s, p, o in triples}


def match_incidents(ta: set[Triple], tb: set[Triple]) -> dict[str, str]:
    """A's incidents renamed to B's where both group exactly the same reports (their IRIs
    follow their first report, which an edit may move), with their evidence records."""

    def reports(triples: set[Triple]) -> dict[str, frozenset[str]]:
        kinds = {s for s, p, o in triples if p == f"<{RDF}type>" and o == f"<{ACO}Incident>"}
        out: dict[str, set[str]] = {k: set() for k in kinds}
        for s, p, o in triples:
            if s in out and p == f"<{ACO}hasReport>":
                out[s].add(o)
        return {k: frozenset(v) for k, v in out.items()}

    ra, rb = reports(ta), reports(tb)
    by_reports = {v: k for k, v in rb.items() if k not in ra}
    names: dict[str, str] = {}
    for inc, group in ra.items():
        other = by_reports.get(group)
        if inc not in rb and other is not None:
            names[inc] = other
    if not names:
        return {}
    prefixes = {k[:-1] + "/": v[:-1] + "/" for k, v in names.items()}
    for s, _, o in ta:
        for t in (s, o):
            for old, new in prefixes.items():
                if t.startswith(old):
                    names[t] = new + t[len(old) :]
    return names
