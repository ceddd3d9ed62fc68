"""kg diff: identical builds give an empty diff; an edited toll gives exactly that change;
re-links, events, dates and incidents are named in domain terms; blank nodes compare by
isomorphism."""

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kg.align import OffsetMap
from kg.builds import Build, open_build
from kg.cli import app
from kg.diff import INCIDENTS_GRAPH, compare
from kg.rdf import ACO, ITSRDF, RES, SEM, WD
from tests.conftest import EXAMPLES

runner = CliRunner()
EVENT = f"<{RES}doc/ex-001/event/0-4>"


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def first(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("diff") / "a"
    assert invoke("build", EXAMPLES, "--store", store, "--workers", 1).exit_code == 0
    return store


@pytest.fixture(scope="module")
def base(first) -> Build:
    return open_build(first)


def copy(build: Build) -> Build:
    return Build("copy", {g: set(t) for g, t in build.graphs.items()})


def swap(build: Build, graph: str, old: tuple[str, str, str], new: tuple[str, str, str] | None):
    build.graphs[graph].remove(old)
    if new:
        build.graphs[graph].add(new)


def doc_graph_of(build: Build, doc: str) -> str:
    return next(g for g in build.graphs if g.endswith("/doc/" + doc))


def test_diff_of_two_identical_builds_is_empty(first, tmp_path):
    second = tmp_path / "b"
    assert invoke("build", EXAMPLES, "--store", second, "--workers", 1).exit_code == 0
    result = invoke("diff", first, second, "--json", tmp_path / "d.json")
    assert result.exit_code == 0
    data = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    assert data["changes"] == [] and data["documents"] == 7
    assert "0 changes" in result.stderr
    assert invoke("diff", first, second, "--runs").stderr.count("run changed") == 0
    assert "2 changes" in invoke("diff", first, second, "--runs").stderr  # each run's own graph


def test_diff_of_an_edited_toll_is_exactly_that_change(first, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(EXAMPLES, corpus)
    articles = corpus / "articles.jsonl"
    text = articles.read_text(encoding="utf-8")
    assert text.count("قُتل 14 مدنياً") == 1
    articles.write_text(text.replace("قُتل 14 مدنياً", "قُتل 16 مدنياً"), encoding="utf-8")
    second = tmp_path / "b"
    assert invoke("build", corpus, "--store", second, "--workers", 1).exit_code == 0
    result = invoke("diff", first, second, "--json", tmp_path / "d.json")
    data = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    assert data["documents_edited"] == ["ex-001"]
    toll, incident = data["changes"]
    assert toll == {"scope": "ex-001", "subject": "ex-001/event/0-4", "kind": "toll changed",
                    "before": "civilianFatalities 14; fatalities 14",
                    "after": "civilianFatalities 16; fatalities 16"}  # fmt: skip
    # the incident that groups the report has the new toll too, and nothing else changed
    assert (incident["scope"], incident["kind"]) == ("incident", "incident toll changed")
    assert incident["before"] == "fatalitiesBest 14; fatalitiesLow 14"
    assert incident["after"] == "fatalitiesBest 16; fatalitiesLow 16"
    assert "toll changed" in result.stdout and "2 changes" in result.stderr


def test_diff_of_a_toll_edit_that_moves_every_later_offset(first, base, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(EXAMPLES, corpus)
    articles = corpus / "articles.jsonl"
    text = articles.read_text(encoding="utf-8")
    articles.write_text(text.replace("قُتل 14 مدنياً", "قُتل 140 مدنياً"), encoding="utf-8")
    second = tmp_path / "b"
    assert invoke("build", corpus, "--store", second, "--workers", 1).exit_code == 0
    later = open_build(second)
    graph = doc_graph_of(base, "ex-001")
    assert base.graphs[graph] != later.graphs[graph]
    events = [{s for s, _, _ in b.graphs[graph] if "/event/" in s and "/count/" not in s}
              for b in (base, later)]  # fmt: skip
    assert events[0] - events[1] and events[1] - events[0]  # later events' offsets moved
    result = compare(base, later)
    assert [(c.scope, c.subject, c.kind, c.after) for c in result.changes] == [
        ("ex-001", "ex-001/event/0-4", "toll changed", "civilianFatalities 140; fatalities 140"),
        ("incident", result.changes[1].subject, "incident toll changed",
         "fatalitiesBest 17; fatalitiesHigh 140; fatalitiesLow 17"),
    ]  # fmt: skip
    assert result.edited == ["ex-001"]


def test_diff_offset_map_follows_insertions_deletions_and_replacements():
    m = OffsetMap("قتل 9 مدنيين في حلب", "قتل 12 مدنياً في حلب")
    assert (m.start(0), m.end(3)) == (0, 3)  # قتل
    assert (m.start(4), m.end(5)) == (4, 6)  # 9 -> 12
    assert (m.start(16), m.end(19)) == (17, 20)  # حلب
    d = OffsetMap("أمس قتل خمسة", "قتل خمسة")
    assert (d.start(4), d.end(12)) == (0, 8)


def test_diff_a_store_and_a_file_of_the_same_build(tmp_path):
    out, store = tmp_path / "g.trig", tmp_path / "s"
    args = ("--workers", 1, "--no-resolve")  # files get no incidents: compare like with like
    assert invoke("build", EXAMPLES, "--out", out, "--store", store, *args).exit_code == 0
    assert compare(open_build(store), open_build(out)).empty


def test_diff_names_a_relinked_mention(base):
    other = copy(base)
    graph = doc_graph_of(other, "ex-001")
    old = next(t for t in other.graphs[graph] if t[1] == f"<{ITSRDF}taIdentRef>")
    swap(other, graph, old, (old[0], old[1], f"<{WD}Q1>"))
    [change] = compare(base, other).changes
    assert change.kind == "mention re-linked" and change.after == "wd:Q1"
    assert change.scope == "ex-001" and "«" in change.subject


def test_diff_names_added_and_removed_events_and_changed_dates(base):
    other = copy(base)
    graph = doc_graph_of(other, "ex-001")
    date = next(t for t in other.graphs[graph] if t[0] == EVENT and t[1] == f"<{SEM}hasTimeStamp>")
    swap(other, graph, date, (EVENT, date[1], date[2].replace("-11", "-10")))
    gone = [t for t in other.graphs[graph] if t[0] == f"<{RES}doc/ex-001/event/285-292>"]
    for t in gone:
        other.graphs[graph].remove(t)
    kinds = {(c.kind, c.subject, c.before, c.after) for c in compare(base, other).changes}
    assert ("date changed", "ex-001/event/0-4", "hasTimeStamp 2018-03-11",
            "hasTimeStamp 2018-03-10") in kinds  # fmt: skip
    assert [k for k in kinds if k[0] == "event removed"] == [
        ("event removed", "ex-001/event/285-292", "aco:NonFactualEvent at wd:Q232355", "")
    ]
    assert len(kinds) == 2


def test_diff_of_added_and_removed_documents(base):
    other = copy(base)
    del other.graphs[doc_graph_of(other, "ex-002")]
    result = compare(base, other)
    assert result.removed == ["ex-002"] and result.changes[0].kind == "document removed"
    assert compare(other, base).added == ["ex-002"]


def test_diff_per_incident(base):
    a, b = copy(base), copy(base)
    inc, rep = f"<{RES}incident/1>", f"<{ACO}hasReport>"
    typ = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    a.graphs[INCIDENTS_GRAPH] = {(inc, typ, f"<{ACO}Incident>"), (inc, rep, EVENT)}
    b.graphs[INCIDENTS_GRAPH] = {(inc, typ, f"<{ACO}Incident>"), (inc, rep, EVENT),
                                 (inc, rep, f"<{RES}doc/ex-002/event/13-18>")}  # fmt: skip
    [change] = compare(a, b).changes
    assert (change.scope, change.kind) == ("incident", "reports regrouped")
    assert change.after == "hasReport ex-001/event/0-4, ex-002/event/13-18"
    del b.graphs[INCIDENTS_GRAPH]
    assert [c.kind for c in compare(a, b).changes] == ["incident removed"]


def test_diff_compares_blank_nodes_by_isomorphism(tmp_path):
    one, two = tmp_path / "one.nq", tmp_path / "two.nq"
    g = f"<{RES}graph/enrichment>"
    one.write_text(f'_:x <{ACO}value> "1" {g} .\n_:x <{ACO}qualifier> _:y {g} .\n')
    two.write_text(f'_:b2 <{ACO}value> "1" {g} .\n_:b2 <{ACO}qualifier> _:b9 {g} .\n')
    assert compare(open_build(one), open_build(two)).empty
    two.write_text(f'_:b2 <{ACO}value> "2" {g} .\n_:b2 <{ACO}qualifier> _:b9 {g} .\n')
    assert [c.kind for c in compare(open_build(one), open_build(two)).changes] == ["graph changed"]


def test_diff_of_a_missing_build_is_bad_input(first, tmp_path):
    result = invoke("diff", first, tmp_path / "nope")
    assert result.exit_code == 2 and "no such store or RDF file" in result.stderr


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_diff_never_hides_a_difference(base, data):
    """Any one triple gone from any graph shows as a change (or as the document's text edit)."""
    graph = data.draw(st.sampled_from(sorted(g for g in base.graphs if "/graph/run/" not in g)))
    triple = data.draw(st.sampled_from(sorted(base.graphs[graph])))
    other = copy(base)
    other.graphs[graph].discard(triple)
    result = compare(base, other)
    assert result.changes or result.edited, (graph, triple)
    back = compare(other, base)
    assert len(back.changes) == len(result.changes) and back.edited == result.edited
