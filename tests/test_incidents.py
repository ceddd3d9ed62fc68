"""Incidents across documents, toll estimates, control claims and the grouping score.

The fixture (tests/fixtures/incidents.jsonl, written for the project) has three outlets
reporting one air strike on Saraqib on Sunday 11 March 2018 (12 / at least 15 / 17 killed),
a strike on Ariha the next day, a strike with no place, and two reports of Saraqib changing
hands.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from typer.testing import CliRunner

from kg.bcubed import bcubed, score_incidents
from kg.claims import estimate, incident_estimates
from kg.cli import app
from kg.cli_incidents import last_resolve_options
from kg.control import CONTROL_GRAPH
from kg.corpus import CorpusReader
from kg.errors import StoreError
from kg.incidents import GroupingRules, Incident, Resolver, incident_class
from kg.pipeline import StoreSink, build
from kg.query import resolve_query, run_local, with_values
from kg.rdf import ACO, doc_graph
from kg.reports import CountFigure, EventData, Period, Report, parse_period
from kg.resolve import INCIDENTS_GRAPH, resolve
from kg.store import GraphStore
from tests.conftest import ROOT, dev_articles, needs_shared

FIXTURE = ROOT / "tests" / "fixtures" / "incidents.jsonl"
SARAQIB = "http://www.wikidata.org/entity/Q1895761"
runner = CliRunner()


def write_corpus(path: Path, ids: set[str]) -> Path:
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(x for x in lines if json.loads(x)["id"] in ids) + "\n", "utf-8")
    return path


def make_store(tmp: Path, ids: set[str]) -> GraphStore:
    store = GraphStore(tmp / "store")
    store.ensure_ontology()
    build(CorpusReader([write_corpus(tmp / "corpus.jsonl", ids)]), [StoreSink(store)])
    return store


@pytest.fixture(scope="module")
def resolved(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("incidents")
    store = make_store(
        tmp, {json.loads(x)["id"] for x in FIXTURE.read_text("utf-8").split("\n") if x}
    )
    return store, resolve(store)


def rows(store: GraphStore, sparql: str, **bind: str) -> list[dict[str, str | None]]:
    res = run_local(store, sparql, bind or None)
    return [dict(zip(res.variables, r, strict=True)) for r in res.values()]


INCIDENTS = f"""SELECT ?i ?place ?date ?prec ?n ?o ?lo ?best ?hi ?dis WHERE {{
  GRAPH <{INCIDENTS_GRAPH}> {{ ?i a aco:Incident, aco:AirStrike ; sem:hasPlace ?place ;
  sem:hasTimeStamp ?date ; aco:timePrecision ?prec ; aco:reportCount ?n ; aco:outletCount ?o ;
  aco:tollsDisagree ?dis .
  OPTIONAL {{ ?i aco:fatalitiesLow ?lo ; aco:fatalitiesBest ?best ; aco:fatalitiesHigh ?hi }} }} }}"""


def test_incidents_group_one_strike_told_by_three_outlets(resolved):
    store, _ = resolved
    saraqib = [r for r in rows(store, INCIDENTS) if r["place"] == SARAQIB]
    assert len(saraqib) == 1
    inc = saraqib[0]
    assert (inc["date"], inc["prec"]) == (
        "2018-03-11",
        "https://w3id.org/ar-conflict-kg/ontology#Day",
    )
    assert (inc["n"], inc["o"]) == ("3", "3")


def test_incidents_low_best_high_and_disagreement(resolved):
    store, _ = resolved
    by_place = {r["place"]: r for r in rows(store, INCIDENTS)}
    saraqib = by_place[SARAQIB]
    assert (saraqib["lo"], saraqib["best"], saraqib["hi"], saraqib["dis"]) == (
        "12", "15", "17", "true"
    )  # fmt: skip
    ariha = by_place["http://www.wikidata.org/entity/Q5687"]  # the next day, another town
    assert (ariha["n"], ariha["lo"], ariha["best"], ariha["hi"], ariha["dis"]) == (
        "1", "5", "5", "5", "false"
    )  # fmt: skip


def test_incidents_keep_every_claim_reachable_with_its_outlet(resolved):
    store, _ = resolved
    got = rows(store, resolve_query("incident-tolls"))
    claims = {(r["outlet"], r["value"], r["qualifier"]) for r in got if r["placeLabel"] == "سراقب"}
    assert claims == {
        ("wire-a", "12", "exact"),
        ("wire-b", "15", "at least"),
        ("wire-c", "17", "exact"),
    }


def test_incidents_every_placed_dated_event_in_exactly_one(resolved):
    store, summary = resolved
    counts = rows(
        store,
        f"""SELECT ?ev (COUNT(?i) AS ?n) WHERE {{ ?ev aco:reportedIn [] ; a ?c ;
        sem:hasPlace [] ; sem:hasTimeStamp [] . FILTER(?c != aco:NonFactualEvent)
        OPTIONAL {{ GRAPH <{INCIDENTS_GRAPH}> {{ ?i aco:hasReport ?ev }} }} }} GROUP BY ?ev""",
    )
    assert counts and all(r["n"] == "1" for r in counts)
    assert summary.grouped == len(counts)


def test_incidents_events_without_a_place_are_counted_not_grouped(resolved):
    store, summary = resolved
    assert summary.no_place == 1 and summary.events == summary.grouped + 1
    assert "1 without a place" in summary.line()
    left = rows(
        store,
        f"""SELECT DISTINCT ?ev WHERE {{ ?ev aco:reportedIn ?c ; aco:trigger [] . ?c dcterms:identifier "inc-e" .
        FILTER NOT EXISTS {{ GRAPH <{INCIDENTS_GRAPH}> {{ ?i aco:hasReport ?ev }} }} }}""",
    )
    assert len(left) == 1  # kept in its document, in no incident


def test_incidents_record_grouping_evidence(resolved):
    store, _ = resolved
    got = rows(
        store,
        f"""SELECT ?rule ?score WHERE {{ GRAPH <{INCIDENTS_GRAPH}> {{ ?i a aco:AirStrike ; sem:hasPlace <{SARAQIB}> ;
        aco:groupingEvidence ?e . ?e aco:rule ?rule ; aco:score ?score ;
        aco:evidenceFor ?ev . ?i aco:hasReport ?ev }} }}""",
    )
    rules = sorted(r["rule"] or "" for r in got)
    assert rules[0] == "SamePlace; SameDay; SameClass"
    assert "anchor" in rules and len(rules) == 3


def test_incidents_update_incrementally_with_stable_iris(tmp_path):
    store = make_store(tmp_path, {"inc-a", "inc-b"})
    resolve(store)
    before = rows(store, INCIDENTS)
    doc_a = ox.NamedNode(doc_graph("inc-a"))
    quads_a = set(store.store.quads_for_pattern(None, None, None, doc_a))
    build(
        CorpusReader([write_corpus(tmp_path / "more.jsonl", {"inc-c", "inc-d"})]),
        [StoreSink(store)],
    )
    summary = resolve(store)
    after = {r["i"]: r for r in rows(store, INCIDENTS)}
    assert len(before) == 1 and before[0]["n"] == "2"
    assert after[before[0]["i"]]["n"] == "3"  # the same incident, one more report
    assert summary.incidents == 2
    assert set(store.store.quads_for_pattern(None, None, None, doc_a)) == quads_a


def test_control_timeline_who_controlled_when(resolved):
    store, _ = resolved
    query = resolve_query("who-controlled")
    on_25 = rows(store, query, place="سراقب", date="2018-03-25")
    assert [(r["status"], r["controllerLabel"], r["outlet"], r["since"]) for r in on_25] == [
        ("controlled by", "الجيش العربي السوري", "wire-b", "2018-03-19")
    ]
    later = {
        r["outlet"]: r["controller"] for r in rows(store, query, place=SARAQIB, date="2018-04-05")
    }
    assert later["wire-b"].endswith("syrian-arab-army")
    assert later["wire-c"].endswith("hay-at-tahrir-al-sham")
    assert rows(store, query, place="سراقب", date="2018-03-01") == []


def test_who_controlled_answers_the_same_rows_in_rdflib(resolved):
    """The canned query is portable SPARQL 1.1: rdflib (no xsd:date() cast) agrees with
    Oxigraph."""
    store, _ = resolved
    query = resolve_query("who-controlled")
    ds = rdflib.Dataset(default_union=True)
    ds.parse(data=store.store.dump(format=ox.RdfFormat.N_QUADS).decode("utf-8"), format="nquads")
    for bind in ({}, {"place": "سراقب", "date": "2018-03-25"}, {"date": "2018-04-05"}):
        ours = rows(store, query, **bind)
        theirs = ds.query(with_values(query, bind))
        assert ours
        assert sorted((r["outlet"], r["since"]) for r in ours) == sorted(
            (str(r.outlet), str(r.since)) for r in theirs
        )


def test_resolve_on_a_store_without_events_says_so(tmp_path):
    store = GraphStore(tmp_path / "empty")
    store.ensure_ontology()
    with pytest.raises(StoreError, match="no per-document events"):
        resolve(store)
    del store  # release the store's lock for the command
    result = runner.invoke(app, ["resolve", "--store", str(tmp_path / "empty")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[0].startswith("Error: the store holds no")


def test_build_resolves_unless_told_not_to(tmp_path):
    corpus = write_corpus(tmp_path / "c.jsonl", {"inc-a", "inc-b"})
    result = runner.invoke(app, ["build", str(corpus), "--store", str(tmp_path / "s"),
                                 "--workers", "1", "--no-resolve"])  # fmt: skip
    assert result.exit_code == 0 and "resolve:" not in result.output
    store = GraphStore(tmp_path / "s", read_only=True)
    assert not store.store.contains_named_graph(ox.NamedNode(INCIDENTS_GRAPH))
    del store
    result = runner.invoke(app, ["resolve", "--store", str(tmp_path / "s")])
    assert result.exit_code == 0
    assert "resolve: 2 events, 2 in 1 incidents (1 reported by 2 or more outlets" in result.output


# -- the rules, on hand-made reports ---------------------------------------------------------


def report(iri: str, cls: str, place: str, day: str, **kw: object) -> Report:
    r = Report(iri, iri, iri + "#ctx", kw.pop("outlet", iri), "2018-01-01", cls, place)  # type: ignore[arg-type]
    r.period = parse_period(day, bool(kw.pop("pub", False)))
    r.agents = set(kw.pop("agents", ()))  # type: ignore[call-overload]
    return r


def resolver(**parents: set[str]) -> Resolver:
    tree = {"AirStrike": ["RemoteViolence", "ViolentEvent"], "Shelling": ["RemoteViolence", "ViolentEvent"],
            "Killing": ["ViolentEvent"]}  # fmt: skip
    data = EventData([], dict(parents), {"syria"}, {"army": "syria"}, tree, set(tree))
    return Resolver(data, GroupingRules())


def test_incidents_date_rules_by_precision():
    res = resolver()
    day = parse_period("2018-03-11")
    assert day is not None
    assert res.date_relation(day, Period(day.first, day.first, "Day")) == ("SameDay", 0)
    next_day = Period(day.first + dt.timedelta(days=1), day.first + dt.timedelta(days=1), "Day")
    assert res.date_relation(day, next_day) is None  # two known days must agree
    month = parse_period("2018-03")
    assert month is not None and res.date_relation(month, day) == ("WithinPeriod", 0)
    april = parse_period("2018-04")
    assert april is not None and res.date_relation(april, day) is None


def test_incidents_place_containment_but_not_in_a_country():
    res = resolver(saraqib={"idlib", "syria"}, idlib={"syria"})
    inc = Incident([report("a", "AirStrike", "saraqib", "2018-03-11")], "saraqib")
    assert res.place_relation("idlib", inc) == "PlaceContains"
    assert res.place_relation("syria", inc) is None
    assert res.place_relation("ariha", inc) is None
    coarse = Incident([report("b", "AirStrike", "idlib", "2018-03-11")], "idlib")
    assert res.place_relation("saraqib", coarse) == "PlaceWithin"


def test_incidents_classes_compatible_and_actors_contradicting():
    res = resolver()
    strike = Incident([report("a", "AirStrike", "p", "2018-03-11", agents={"army"})], "p")
    killing = report("b", "Killing", "p", "2018-03-11")
    assert res.judge(killing, strike) is None  # compatible class, but no actor in common
    killing.agents = {"syria"}  # the country the army acts for
    assert res.judge(killing, strike) is not None
    strike.reports[0].targets = {"rebels"}
    strike.actors.add("rebels")
    other_side = report("c", "AirStrike", "p", "2018-03-11", agents={"rebels"})
    assert res.judge(other_side, strike) is None  # the target of one is the agent of the other
    ally = report("e", "AirStrike", "p", "2018-03-11", agents={"allies"})
    assert res.judge(ally, strike) is not None  # another attribution, not a contradiction
    assert (
        incident_class(Incident([strike.reports[0], killing], "p"), res.data.superclasses)
        == "AirStrike"
    )
    mixed = Incident([strike.reports[0], report("d", "Shelling", "p", "2018-03-11")], "p")
    assert incident_class(mixed, res.data.superclasses) == "RemoteViolence"


def test_claims_estimates_follow_the_documented_rule():
    est = estimate([12, 15, 17])
    assert est is not None and (est.low, est.best, est.high, est.disagree) == (12, 15, 17, True)
    most = estimate([20, 20, 31])  # the most reported figure wins over the median
    assert most is not None and most.best == 20
    even = estimate([10, 14])  # no figure more reported: the lower middle one
    assert even is not None and (even.best, even.disagree) == (10, True)
    assert estimate([]) is None


def test_claims_a_report_that_adds_up_the_dead_of_two_sides_gives_the_sum():
    # «مقتل 300 مسلح» and «مقتل 25 جندياً» in one article: the toll is 325 (fatalitiesSummedFrom)
    sides = report("a", "ArmedClash", "p", "2018-08-12")
    sides.counts = [CountFigure("a#c1", "fatalities", 300, "Exact", ("src",)),
                    CountFigure("a#c2", "fatalities", 25, "AtLeast", ()),
                    CountFigure("a#c3", "fatalities", 12, "Exact", ())]  # fmt: skip
    sides.summed = {"a#c1", "a#c2"}
    retold = report("b", "ArmedClash", "p", "2018-08-12")
    retold.counts = [CountFigure("b#c1", "fatalities", 300, "Exact", ())]  # no sum: its highest
    est = incident_estimates([sides, retold])["fatalities"]
    assert (est.low, est.high, est.figures) == (300, 325, 2)


def test_bcubed_known_values():
    gold = {"a": "1", "b": "1", "c": "2"}
    assert bcubed(gold, {"a": "x", "b": "x", "c": "y"}) == (1.0, 1.0)
    p, r = bcubed(gold, {"a": "x", "b": "x", "c": "x"})
    assert (round(p, 3), r) == (round((2 / 3 + 2 / 3 + 1 / 3) / 3, 3), 1.0)
    p, r = bcubed(gold, {"a": "x", "b": "y", "c": "z"})
    assert (p, round(r, 3)) == (1.0, round((0.5 + 0.5 + 1) / 3, 3))


def test_grouping_score_on_the_fixture(resolved):
    store, _ = resolved
    gold = [
        {"incident": "saraqib", "place": "سراقب", "class": "AirStrike",
         "reports": [{"id": "inc-a", "trigger": [20, 25]}, {"id": "inc-b", "trigger": [30, 34]},
                     {"id": "inc-c", "trigger": [19, 26]}]},
        {"incident": "ariha", "place": "أريحا", "class": "AirStrike",
         "reports": [{"id": "inc-d", "trigger": [22, 27]}]},
    ]  # fmt: skip
    score = score_incidents(gold, store)
    assert score.unmatched == 0 and score.scored == 4
    assert (score.precision, score.recall, score.bad_merges) == (1.0, 1.0, [])
    assert score.splits == []


def test_grouping_score_lists_the_gold_incidents_the_system_split(resolved):
    store, _ = resolved
    gold = [
        {"incident": "one-day", "place": "إدلب", "class": "AirStrike",
         "reports": [{"id": "inc-a", "trigger": [20, 25]}, {"id": "inc-d", "trigger": [22, 27]}]},
    ]  # fmt: skip
    score = score_incidents(gold, store)
    assert score.recall == 0.5 and len(score.splits) == 1
    parts = score.splits[0]["system_incidents"]
    assert score.splits[0]["gold"] == "one-day" and len(parts) == 2
    assert sorted(doc for held in parts.values() for doc, _ in held) == ["inc-a", "inc-d"]
    assert score.as_dict()["split_incidents"] == 1


def resolved_graphs(store: GraphStore) -> rdflib.Graph:
    g = rdflib.Graph()
    for name in (INCIDENTS_GRAPH, CONTROL_GRAPH):
        data = store.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name))
        g.parse(data=data.decode("utf-8"), format="nt")
    return g


def test_incidents_graph_conforms_to_its_shapes(resolved):
    store, _ = resolved
    shapes = rdflib.Graph().parse(ROOT / "ontology" / "shapes" / "incidents.ttl")
    data = resolved_graphs(store)
    assert pyshacl.validate(data, shacl_graph=shapes)[0]
    aco = rdflib.Namespace(ACO)
    inc = next(data.subjects(aco.fatalitiesLow, None))
    data.set((inc, aco.fatalitiesLow, rdflib.Literal(99)))  # low above best: a broken summary
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes)
    assert not conforms and "fatalitiesLow" in text


def test_incidents_a_coarse_date_never_chooses_between_two():
    res = resolver()
    day_one = report("a", "AirStrike", "p", "2018-03-11", outlet="x")
    day_two = report("b", "AirStrike", "p", "2018-03-20", outlet="y")
    month = report("c", "AirStrike", "p", "2018-03", outlet="z", agents={"army"})
    day_one.agents = day_two.agents = {"army"}
    res.data.reports[:] = [day_one, day_two, month]
    grouping = res.group()
    assert sorted(len(i.reports) for i in grouping.incidents) == [1, 1, 1]
    res.data.reports[:] = [day_one, month]  # one candidate: the month joins it
    assert [len(i.reports) for i in res.group().incidents] == [2]


def test_incident_gold_file_is_well_formed():
    gold = [
        json.loads(x) for x in (ROOT / "gold" / "incidents.jsonl").read_text("utf-8").splitlines()
    ]
    reports = [(r["id"], tuple(r["trigger"])) for g in gold for r in g["reports"]]
    assert len(reports) == len(set(reports))  # no report in two incidents
    multi = [g for g in gold if len({r["id"].split("-")[0] for r in g["reports"]}) >= 2]
    assert len(multi) >= 15
    assert all({"incident", "date", "place", "class"} <= g.keys() for g in gold)
    for g in gold:  # at most one report per document
        docs = [r["id"] for r in g["reports"]]
        assert len(docs) == len(set(docs)), g["incident"]


@needs_shared
def test_incident_gold_offsets_lie_in_the_dev_texts():
    texts = {d["id"]: d["text"] for d in dev_articles()}
    for line in (ROOT / "gold" / "incidents.jsonl").read_text("utf-8").splitlines():
        for r in json.loads(line)["reports"]:
            text = texts[r["id"]]
            assert hashlib.sha1(text.encode("utf-8")).hexdigest() == r["sha1"]
            start, end = r["trigger"]
            assert 0 <= start < end <= len(text) and text[start:end].strip()


def test_incidents_a_report_judged_too_early_joins_once_a_later_one_ties_it():
    # b (shelling by the rebels) does not fit a (an air strike with no actor named) until c,
    # an air strike credited to the rebels, joins a: b then joins them on its second chance
    res = resolver()
    a = report("a", "AirStrike", "p", "2018-03-11", outlet="x")
    b = report("b", "Shelling", "p", "2018-03-11", outlet="y", agents={"rebels"})
    c = report("c", "AirStrike", "p", "2018-03-11", outlet="z", agents={"rebels"})
    res.data.reports[:] = [a, b, c]
    grouping = res.group()
    assert [sorted(r.iri for r in i.reports) for i in grouping.incidents] == [["a", "b", "c"]]
    assert grouping.incidents[0].anchor is a
    rules = [e.rule for e in grouping.incidents[0].evidence]
    assert rules[0] == "anchor" and len(rules) == 3


def test_incidents_a_town_regained_by_a_state_and_taken_by_its_militias_is_one_taking():
    res = resolver()
    regained = report("a", "GovernmentRegainsTerritory", "p", "2018-03-18", agents={"army"})
    taken = report("b", "NonStateActorTakesTerritory", "p", "2018-03-18", agents={"army", "m"})
    inc = Incident([regained], "p")
    evidence = res.judge(taken, inc)
    assert evidence is not None and "CompatibleClass" in evidence.relations
    assert res.judge(report("c", "NonStateActorTakesTerritory", "p", "2018-03-18"), inc) is None


def test_remove_regroups_incidents_with_the_last_thresholds(tmp_path):
    corpus = write_corpus(tmp_path / "c.jsonl", {"inc-a", "inc-b"})
    path = str(tmp_path / "s")
    assert (
        runner.invoke(app, ["build", str(corpus), "--store", path, "--workers", "1"]).exit_code == 0
    )
    assert runner.invoke(app, ["resolve", "--store", path, "--min-score", "2.5"]).exit_code == 0
    store = GraphStore(tmp_path / "s", read_only=True)
    assert [r["n"] for r in rows(store, INCIDENTS)] == ["2"]
    del store
    result = runner.invoke(app, ["remove", "inc-b", "--store", path])
    assert result.exit_code == 0, result.output
    assert "resolve:" in result.output
    store = GraphStore(tmp_path / "s", read_only=True)
    assert [r["n"] for r in rows(store, INCIDENTS)] == ["1"]  # the removed report is gone
    assert last_resolve_options(store)["min-score"] == "2.5"  # the user's threshold is kept
    del store
    result = runner.invoke(app, ["remove", "inc-a", "--store", path])
    assert "no document left" in result.output
    store = GraphStore(tmp_path / "s", read_only=True)
    assert not store.store.contains_named_graph(ox.NamedNode(INCIDENTS_GRAPH))
    del store


def test_incidents_related_places_are_exactly_those_the_place_rule_accepts():
    res = resolver(
        aleppo={"syria"}, saraqib={"idlib", "syria"}, idlib={"syria"}, town={"aleppo", "syria"}
    )
    places = ["syria", "aleppo", "idlib", "saraqib", "town", "elsewhere"]
    for place in places:
        related = res.related_places(place)
        for other in places:
            inc = Incident([report("u", "AirStrike", other, "2018-03-11")], other)
            assert (other in related) == (res.place_relation(place, inc) is not None)
