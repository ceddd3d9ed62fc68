"""The filters shared by the exports and the report: a date range, a place (and every place
inside it), an actor. Nothing left to write is an error of its own (exit 1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from kg.errors import InputError, KgError
from kg.incident_view import INCIDENTS_GRAPH, Incident
from kg.place_book import Named


class EmptySelectionError(KgError):
    """The graph has no incidents, or none is left after the filters: nothing is written."""


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
