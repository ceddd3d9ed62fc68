"""Casualty estimates of an incident from the claims of its reports (UCDP GED's spirit).

Every figure stays a claim of its own document; an incident only adds a summary:

* each report contributes one figure per kind (killed, injured): the highest it gives, as in
  the per-document ``aco:fatalities`` (an article that says 12 and later "rose to 15" is one
  report of 15, not a disagreement), or, when the document adds up the dead of groups that
  do not overlap (``aco:fatalitiesSummedFrom``: 300 fighters and 25 soldiers), their sum, an
  "at least" figure when one of its parts is;
* a figure's *point* is its value, except "more than n", whose point is n + 1;
* **low** is the lowest point among the reports (the lowest credible figure);
* **high** is the highest point ("at least n" feeds n: an open upper bound is not guessed);
* **best** is the figure most reports give when one figure is given by more reports than
  any other, else the median of the points (the lower middle one for an even number);
* the sources **disagree** (``aco:tollsDisagree``) when the points are not all equal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from kg.reports import CountFigure, Report

KINDS = {"fatalities": "fatalities", "injured": "injured"}  # countOf -> property stem


@dataclass(frozen=True, slots=True)
class Estimate:
    low: int
    best: int
    high: int
    figures: int  # reports that gave a figure

    @property
    def disagree(self) -> bool:
        return self.low != self.high


def point(figure: CountFigure) -> int:
    return figure.value + 1 if figure.qualifier == "MoreThan" else figure.value


def report_figure(report: Report, what: str) -> CountFigure | None:
    """The report's figure of ``what``: the sum of the claims its toll adds up, else its
    highest, the earliest claim on ties."""
    parts = [c for c in report.counts if c.what == what and c.iri in report.summed]
    if len(parts) > 1:
        exact = all(c.qualifier == "Exact" for c in parts)
        claimed = tuple(sorted({s for c in parts for s in c.claimed_by}))
        total = sum(point(c) for c in parts)
        return CountFigure(parts[0].iri, what, total, "Exact" if exact else "AtLeast", claimed)
    best: CountFigure | None = None
    for c in report.counts:
        if c.what == what and (best is None or point(c) > point(best)):
            best = c
    return best


def estimate(points: Iterable[int]) -> Estimate | None:
    values = sorted(points)
    if not values:
        return None
    tally = Counter(values).most_common()
    if len(tally) == 1 or tally[0][1] > tally[1][1]:
        best = tally[0][0]
    else:
        best = values[(len(values) - 1) // 2]
    return Estimate(values[0], best, values[-1], len(values))


def incident_estimates(reports: Iterable[Report]) -> dict[str, Estimate]:
    """Property stem (``fatalities``, ``injured``) -> the incident's estimate."""
    reports = list(reports)
    out: dict[str, Estimate] = {}
    for what, stem in KINDS.items():
        figures = [f for r in reports if (f := report_figure(r, what)) is not None]
        est = estimate(point(f) for f in figures)
        if est is not None:
            out[stem] = est
    return out
