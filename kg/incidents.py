"""Incidents across documents: the per-document events that report one happening, grouped.

The per-document events are never changed. Resolution reads every factual event of the store
(``kg.reports``), groups them, and replaces one named graph, ``res:graph/incidents``, with the
incidents, their toll estimates (``kg.claims``) and the evidence that grouped them; control
claims (``kg.control``) go to ``res:graph/control``. It recomputes everything from the
per-document events each time: that is cheap (reading and grouping the 14,000 events of the
2,144-article corpus take a few seconds of CPU) and, because an incident's IRI comes from its
earliest-published report, it gives the same IRIs as long as that report stays in it.

A report joins an incident (greedily, earliest published first, the best-scoring candidate)
only when every rule holds; a report of a day left alone gets a second chance once every
report of a day is placed, since the report that ties it to an incident may have come later.
``GroupingRules`` holds the thresholds:

* **not the same document**: the extractor already merges tellings within a document;
* **class**: the same class, or a pair of ``COMPATIBLE`` classes;
* **place**: the same place, or one inside the other (``aco:partOf``, transitively), so the
  incident's places form a chain and it takes the most specific; a country contains nothing
  here (too coarse), and two reports placed only at a country need a shared actor;
* **date**: two known days at most ``day_window`` days apart; a day taken from the
  publication date (no date words) may come up to ``publication_slack`` days after the other; a
  month or a year only when it contains every date of the incident, and only when exactly
  one incident qualifies (a coarse date never chooses between two);
* **actors**: no contradicting agents: the report's agent is not a target or victim of the
  incident, nor the other way round, unless it is also an agent (clashes excepted; a state
  force or a government is one side with its country). Agents that merely differ do not
  contradict. Reports of two compatible (not equal) classes need a shared actor
  (``compatible_needs_actor``); statements, appeals, rejections, negotiations and agreements
  need a shared agent;
* the **score**, the sum of the ``WEIGHTS`` of the relations that hold, is at least
  ``min_score`` (3.0): the same place, day and class, or a weaker agreement on one of them
  made up by a shared actor.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from kg.reports import EventData, Period, Report

# Pairs of different classes that can report one happening. «قصف» is an air strike in one
# article and shelling in another; a killing is the outcome of the violent event that caused
# it, and the extractor types a sentence that only gives the dead as a Killing.
COMPATIBLE = {
    frozenset(p)
    for p in (
        ("AirStrike", "Shelling"),
        ("Killing", "AirStrike"),
        ("Killing", "Shelling"),
        ("Killing", "Bombing"),
        ("Killing", "ArmedClash"),
        ("Killing", "AttackOnCivilians"),
        # one taking of a town: regained by a state in one outlet, taken by its allied
        # militias (a non-state actor) in another
        ("GovernmentRegainsTerritory", "NonStateActorTakesTerritory"),
    )
}
OUTCOME_CLASSES = {"Killing"}  # left out of the incident's class when a cause is reported
NEEDS_SHARED_AGENT = {"Statement", "Appeal", "Rejection", "Negotiation", "Agreement"}
SYMMETRIC = {"ArmedClash"}  # either side may be named as the agent

# evidence weights: what each kind of agreement adds to the score
WEIGHTS = {
    "SamePlace": 1.0, "PlaceWithin": 0.5, "PlaceContains": 0.5,
    "SameDay": 1.0, "DayWindow": 0.7, "WithinPeriod": 0.5,
    "SameClass": 1.0, "CompatibleClass": 0.5,
    "SharedActor": 0.5,
}  # fmt: skip


@dataclass(frozen=True)
class GroupingRules:
    day_window: int = 0
    publication_slack: int = 1
    min_score: float = 3.0
    compatible_needs_actor: bool = True


@dataclass(frozen=True)
class Evidence:
    """Why a report joined its incident (or ``rule == "anchor"`` for the first report)."""

    report: str
    rule: str
    score: float
    relations: tuple[str, ...] = ()
    shared_actors: tuple[str, ...] = ()
    day_gap: int | None = None


@dataclass
class Incident:
    reports: list[Report]
    place: str
    evidence: list[Evidence] = field(default_factory=list)
    # unions over the reports, kept as they join (the judge reads them for every candidate)
    docs: set[str] = field(default_factory=set, init=False)
    agents: set[str] = field(default_factory=set, init=False)
    actors: set[str] = field(default_factory=set, init=False)
    class_set: set[str] = field(default_factory=set, init=False)

    def __post_init__(self) -> None:
        reports, self.reports = self.reports, []
        for r in reports:
            self.add(r)

    def add(self, report: Report) -> None:
        self.reports.append(report)
        self.docs.add(report.doc_id)
        self.agents |= report.agents
        self.actors |= report.actors
        self.class_set.add(report.cls)

    @property
    def anchor(self) -> Report:
        return self.reports[0]

    @property
    def iri_key(self) -> str:
        return hashlib.sha1(self.anchor.iri.encode("utf-8")).hexdigest()[:16]

    @property
    def outlets(self) -> set[str]:
        return {r.outlet or f"document:{r.doc_id}" for r in self.reports}

    def classes(self) -> set[str]:
        return self.class_set


@dataclass
class Grouping:
    incidents: list[Incident]
    no_place: int = 0
    no_date: int = 0
    no_place_nor_date: int = 0


class Resolver:
    def __init__(self, data: EventData, rules: GroupingRules) -> None:
        self.data = data
        self.rules = rules
        self.children: dict[str, set[str]] = {}  # place -> every place that lies in it
        for place, parents in data.parents.items():
            for parent in parents:
                self.children.setdefault(parent, set()).add(place)
        self._related: dict[str, frozenset[str]] = {}

    def related_places(self, place: str) -> frozenset[str]:
        """The incident places ``place_relation`` relates ``place`` to: a cheap test that
        keeps the judge from the many same-day incidents elsewhere."""
        found = self._related.get(place)
        if found is None:
            countries = self.data.countries
            within = {p for p in self.data.parents.get(place, ()) if p not in countries}
            inside = self.children.get(place, set()) if place not in countries else set()
            found = self._related[place] = frozenset({place} | within | inside)
        return found

    # -- the rules -------------------------------------------------------------------------
    def sides(self, actors: set[str]) -> set[str]:
        """The actors with the country each state force or government acts for, so that
        «الجيش الإسرائيلي» and «إسرائيل» are one side."""
        state_of = self.data.state_of
        return actors | {state_of[a] for a in actors if a in state_of}

    def place_relation(self, place: str, incident: Incident) -> str | None:
        if place == incident.place:
            return "SamePlace"
        countries = self.data.countries
        if place in self.data.parents.get(incident.place, ()) and place not in countries:
            return "PlaceContains"  # the report is coarser than the incident
        if incident.place in self.data.parents.get(place, ()) and incident.place not in countries:
            return "PlaceWithin"
        return None

    def date_relation(self, a: Period, b: Period) -> tuple[str, int] | None:
        gap = a.gap(b)
        if not (a.day and b.day):
            coarse, fine = (a, b) if not a.day else (b, a)
            inside = coarse.first <= fine.first and fine.last <= coarse.last
            return ("WithinPeriod", 0) if inside else None
        if gap == 0:
            return "SameDay", 0
        slack = self.rules.day_window
        if a.from_publication or b.from_publication:
            later = a if a.first > b.first else b
            if later.from_publication:  # an undated report may come a day after the event
                slack = max(slack, self.rules.publication_slack)
        return ("DayWindow", gap) if gap <= slack else None

    def reversed_roles(self, report: Report, incident: Incident) -> bool:
        """Do the reports contradict each other on who did it: the report's agent is a target
        or victim of the incident, or the other way round, and never also its agent? (Not for
        clashes, where either side may be named first.) Agents that are merely different are
        not a contradiction: outlets attribute one strike to the United States, to France or
        to Britain."""
        if report.cls in SYMMETRIC or incident.class_set & SYMMETRIC:
            return False
        sides = self.sides
        mine, theirs = sides(report.agents), sides(incident.agents)
        if mine & theirs:
            return False
        if mine and mine & sides(incident.actors - incident.agents):
            return True
        patients = report.targets | report.victims
        return bool(theirs and patients and theirs & sides(patients))

    @staticmethod
    def class_relation(cls: str, incident: Incident) -> str | None:
        classes = incident.classes()
        if classes == {cls}:
            return "SameClass"
        if all(c == cls or frozenset((c, cls)) in COMPATIBLE for c in classes):
            return "CompatibleClass"
        return None

    def judge(self, report: Report, incident: Incident) -> Evidence | None:
        """The evidence for ``report`` joining ``incident``, or None when a rule forbids it."""
        assert report.place is not None and report.period is not None
        if report.doc_id in incident.docs:
            return None
        place_rel = self.place_relation(report.place, incident)
        cls_rel = self.class_relation(report.cls, incident) if place_rel else None
        if cls_rel is None or place_rel is None:
            return None
        gaps = [self.date_relation(report.period, r.period) for r in incident.reports if r.period]
        if any(g is None for g in gaps):
            return None
        date_rel, gap = max((g for g in gaps if g is not None), key=lambda g: (g[1], g[0]))
        sides = self.sides
        agents = sides(incident.agents)
        if self.reversed_roles(report, incident):
            return None  # contradicting agents
        shared = sides(report.actors) & sides(incident.actors)
        if report.cls in NEEDS_SHARED_AGENT and not sides(report.agents) & agents:
            return None
        if cls_rel == "CompatibleClass" and self.rules.compatible_needs_actor and not shared:
            return None
        if report.place in self.data.countries and place_rel == "SamePlace" and not shared:
            return None
        relations = (place_rel, date_rel, cls_rel) + (("SharedActor",) if shared else ())
        score = round(sum(WEIGHTS[r] for r in relations), 3)
        if score < self.rules.min_score:
            return None
        rule = "; ".join(relations)
        return Evidence(report.iri, rule, score, relations, tuple(sorted(shared)), gap)

    # -- grouping ----------------------------------------------------------------------------
    def group(self) -> Grouping:
        out = Grouping([])
        usable: list[Report] = []
        for r in self.data.reports:
            if r.place is None and r.period is None:
                out.no_place_nor_date += 1
            elif r.place is None:
                out.no_place += 1
            elif r.period is None:
                out.no_date += 1
            else:
                usable.append(r)
        by_day: dict[int, list[Incident]] = {}
        day_reports = [r for r in usable if r.period and r.period.day]
        coarse_reports = [r for r in usable if r.period and not r.period.day]
        window = max(self.rules.day_window, self.rules.publication_slack)
        for r in day_reports:
            assert r.period is not None and r.place is not None
            day = r.period.first.toordinal()
            related = self.related_places(r.place)
            candidates = [
                i
                for d in range(day - window, day + window + 1)
                for i in by_day.get(d, ())
                if i.place in related
            ]
            chosen = self._best(r, candidates, unique=False)
            if chosen is None:
                inc = Incident([r], r.place or "", [Evidence(r.iri, "anchor", 0.0)])
                out.incidents.append(inc)
                by_day.setdefault(day, []).append(inc)
        self._second_chance(out, by_day, window)
        for r in coarse_reports:
            assert r.period is not None and r.place is not None
            first, last = r.period.first.toordinal(), r.period.last.toordinal()
            related = self.related_places(r.place)
            # in any order: a coarse date joins only an incident that is the one candidate
            days = range(first - window, last + window + 1)
            near = (by_day.get(d, ()) for d in days) if len(days) < len(by_day) else (
                incs for d, incs in by_day.items() if first - window <= d <= last + window
            )  # fmt: skip
            candidates = [i for incs in near for i in incs if i.place in related]
            if self._best(r, candidates, unique=True) is None:
                inc = Incident([r], r.place or "", [Evidence(r.iri, "anchor", 0.0)])
                out.incidents.append(inc)
                by_day.setdefault(first, []).append(inc)
        return out

    def _second_chance(self, out: Grouping, by_day: dict[int, list[Incident]], window: int) -> None:
        """A report left alone because it was judged before the reports that tie it to an
        incident (a shared actor told only by a later outlet) joins that incident now."""
        for inc in list(out.incidents):
            if len(inc.reports) != 1:
                continue
            r = inc.anchor
            assert r.period is not None and r.place is not None
            day = r.period.first.toordinal()
            related = self.related_places(r.place)
            candidates = [
                i
                for d in range(day - window, day + window + 1)
                for i in by_day.get(d, ())
                if i is not inc and i.place in related
            ]
            if self._best(r, candidates, unique=False) is not None:
                out.incidents.remove(inc)
                by_day[day].remove(inc)

    def _best(self, report: Report, candidates: list[Incident], *, unique: bool) -> Incident | None:
        judged = [(e, i) for i in candidates if (e := self.judge(report, i)) is not None]
        if not judged or (unique and len(judged) > 1):
            return None
        evidence, incident = max(judged, key=lambda p: p[0].score)  # the first on ties
        incident.add(report)
        incident.evidence.append(evidence)
        if evidence.relations[0] == "PlaceWithin":
            assert report.place is not None
            incident.place = report.place  # the most specific place agreed
        return incident


def group_reports(data: EventData, rules: GroupingRules | None = None) -> Grouping:
    return Resolver(data, rules or GroupingRules()).group()


def incident_class(incident: Incident, superclasses: dict[str, list[str]]) -> str:
    """The most specific class shared by the reports (a killing defers to its cause)."""
    classes = incident.classes()
    causes = classes - OUTCOME_CLASSES
    classes = causes or classes
    if len(classes) == 1:
        return next(iter(classes))
    chains = [[c, *superclasses.get(c, [])] for c in sorted(classes)]
    common = set(chains[0]).intersection(*chains[1:])
    return next(c for c in chains[0] if c in common)


def incident_period(incident: Incident) -> Period:
    """The most precise date agreed: the day most reports with date words give (the earliest
    on ties), else a day taken from a publication date, else the narrowest period."""
    periods = [r.period for r in incident.reports if r.period is not None]
    for wanted in (False, True):
        days = [p for p in periods if p.day and p.from_publication == wanted]
        if days:
            tally = Counter(p.first for p in days)
            day = min(tally, key=lambda d: (-tally[d], d))
            return next(p for p in days if p.first == day)
    return min(periods, key=lambda p: ((p.last - p.first).days, p.first))
