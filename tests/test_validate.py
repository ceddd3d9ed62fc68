"""SHACL validation (``kg validate``): built graphs conform; each kind of broken graph is
reported with the shape that catches it."""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.corpus import CorpusReader
from kg.pipeline import StoreSink, build
from kg.rdf import ACO, ENTITIES_GRAPH, NIF, RDF, RDFS, SEM, XSD
from kg.rdf import ITSRDF as ITS
from kg.store import GraphStore
from kg.validate import ValidationReport, load_shapes, validate_dataset, validate_store
from tests.conftest import EXAMPLES

runner = CliRunner()


@pytest.fixture(scope="module")
def example_store() -> GraphStore:
    store = GraphStore(None)
    store.ensure_ontology()
    build(CorpusReader([EXAMPLES]), [StoreSink(store)])
    return store


@pytest.fixture(scope="module")
def shapes():
    return load_shapes()


def test_validate_example_corpus_conforms(example_store, shapes):
    report = validate_store(example_store, shapes)
    assert report.documents == 7
    assert report.results == []
    assert report.conforms


def test_validate_a_built_store_with_incidents_and_run_records_conforms(tmp_path):
    """What `kg build` writes, resolve step and run record included, validates as a whole:
    the incident and control graphs are checked with the entities they point at."""
    store_dir = tmp_path / "store"
    result = runner.invoke(app, ["build", str(EXAMPLES), "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    store = GraphStore(store_dir, read_only=True)
    graphs = {g.value for g in store.store.named_graphs()}
    assert any(g.endswith("graph/incidents") for g in graphs)
    assert any("/graph/run/" in g for g in graphs)
    report = validate_store(store)
    assert report.results == []


def test_validate_a_toll_summed_from_the_dead_of_both_sides_conforms(tmp_path, shapes):
    (tmp_path / "battle.txt").write_text(
        "قال الحاكم إن أكثر من 300 مسلح قتلوا في معركة في مدينة غزني. "
        "وأشار إلى أن 25 جنديا قتلوا أيضا في المعركة.",
        encoding="utf-8",
    )
    store = GraphStore(None)
    store.ensure_ontology()
    build(CorpusReader([tmp_path]), [StoreSink(store)])
    summed = first(store.store, f"SELECT ?e ?n WHERE {{ ?e <{ACO}fatalitiesSummedFrom> ?c ; "
                                f"<{ACO}fatalities> ?n }}")  # fmt: skip
    assert summed["n"].value == "325"
    report = validate_store(store, shapes)
    assert report.results == []


def n(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def first(store: ox.Store, sparql: str) -> ox.QuerySolution:
    solutions = store.query(sparql, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    return next(iter(solutions))


def replace_object(store: ox.Store, s, p, new) -> None:
    for q in list(store.quads_for_pattern(s, p, None, None)):
        store.remove(q)
        if new is not None:
            store.add(ox.Quad(s, p, new, q.graph_name))


def untype_event(st: ox.Store) -> str:
    ev = first(st, f"SELECT ?e WHERE {{ ?e a <{ACO}AirStrike> }}")["e"]
    replace_object(st, ev, n(RDF + "type"), None)
    return ev.value


def string_offsets(st: ox.Store) -> str:
    m = first(st, f"SELECT ?m WHERE {{ ?m <{ITS}taIdentRef> ?x }}")
    replace_object(st, m["m"], n(NIF + "beginIndex"), ox.Literal("4"))
    return m["m"].value


def wrong_anchor(st: ox.Store) -> str:
    m = first(st, f"SELECT ?m WHERE {{ ?m a <{NIF}Phrase> ; <{NIF}anchorOf> ?a }}")["m"]
    replace_object(st, m, n(NIF + "anchorOf"), ox.Literal("حلب"))
    return m.value


def no_arabic_label(st: ox.Store) -> str:
    ent = first(st, f"SELECT ?x WHERE {{ ?m <{NIF}anchorOf> 'سراقب' ; <{ITS}taIdentRef> ?x }}")["x"]
    for q in list(st.quads_for_pattern(ent, n(RDFS + "label"), None, n(ENTITIES_GRAPH))):
        if isinstance(q.object, ox.Literal) and q.object.language == "ar":
            st.remove(q)
    return ent.value


def no_qualifier(st: ox.Store) -> str:
    ev = first(st, f"SELECT ?e WHERE {{ ?e <{ACO}fatalities> ?n }}")["e"]
    replace_object(st, ev, n(ACO + "fatalitiesQualifier"), None)
    return ev.value


def wrong_sum(st: ox.Store) -> str:
    """A toll said to be summed from the event's claims that is not their sum."""
    found = first(st, f"SELECT ?e ?c ?g WHERE {{ GRAPH ?g {{ ?e <{ACO}fatalities> ?n ; "
                      f"<{ACO}hasCountClaim> ?c . ?c <{ACO}countOf> 'fatalities' }} }}")  # fmt: skip
    st.add(ox.Quad(found["e"], n(ACO + "fatalitiesSummedFrom"), found["c"], found["g"]))
    value = ox.Literal("9999", datatype=n(XSD + "integer"))
    replace_object(st, found["e"], n(ACO + "fatalities"), value)
    return found["e"].value


def string_time(st: ox.Store) -> str:
    ev = first(st, f"SELECT ?e WHERE {{ ?e <{SEM}hasTimeStamp> ?t }}")["e"]
    replace_object(st, ev, n(SEM + "hasTimeStamp"), ox.Literal("2018-03-11"))
    return ev.value


def denied_and_asserted(st: ox.Store) -> str:
    ev = first(st, f"SELECT ?e ?g WHERE {{ GRAPH ?g {{ ?e a <{ACO}AirStrike> }} }}")
    st.add(ox.Quad(ev["e"], n(RDF + "type"), n(ACO + "NonFactualEvent"), ev["g"]))
    return ev["e"].value


def count_as_text(st: ox.Store) -> str:
    claim = first(st, f"SELECT ?c WHERE {{ ?c a <{ACO}CountClaim> }}")["c"]
    replace_object(st, claim, n(ACO + "value"), ox.Literal("أربعة عشر"))
    return claim.value


def wrong_hash(st: ox.Store) -> str:
    ctx = first(st, f"SELECT ?c WHERE {{ ?c a <{NIF}Context> }}")["c"]
    replace_object(st, ctx, n(ACO + "contentHash"), ox.Literal("0" * 64))
    return ctx.value


def precision_mismatch(st: ox.Store) -> str:
    ev = first(st, f"SELECT ?e WHERE {{ ?e <{ACO}timePrecision> <{ACO}Day> }}")["e"]
    replace_object(st, ev, n(ACO + "timePrecision"), n(ACO + "Year"))
    return ev.value


def orphan_span(st: ox.Store) -> str:
    m = first(st, f"SELECT ?m WHERE {{ ?m a <{NIF}Phrase> }}")["m"]
    replace_object(st, m, n(NIF + "endIndex"), ox.Literal("99999", datatype=n(XSD + "integer")))
    return m.value


BREAKAGES: list[tuple[Callable[[ox.Store], str], str, str]] = [
    (untype_event, "EventShape", "rdfs:subClassOf sem:Event"),
    (string_offsets, "TextSpanShape", "non-negative integers"),
    (wrong_anchor, "TextSpanShape", "anchorOf is not the text"),
    (no_arabic_label, "EntityShape", "Arabic rdfs:label"),
    (no_qualifier, "EventShape", "needs its qualifier"),
    (wrong_sum, "EventShape", "a summed toll is the sum"),
    (string_time, "EventShape", "xsd:gYear"),
    (denied_and_asserted, "FactualEventShape", "never facts"),
    (count_as_text, "CountClaimShape", "xsd:integer"),
    (wrong_hash, "DocumentShape", "SHA-256"),
    (precision_mismatch, "EventShape", "aco:timePrecision"),
    (orphan_span, "TextSpanShape", "not inside the document's text"),
]


def broken_report(example_store, shapes, breakage) -> tuple[ValidationReport, str]:
    copy = ox.Store()
    copy.extend(example_store.store.quads_for_pattern(None, None, None, None))
    node = breakage(copy)
    return validate_dataset(copy, shapes), node


@pytest.mark.parametrize(("breakage", "shape", "words"), BREAKAGES, ids=lambda x: str(x)[:24])
def test_validate_reports_a_broken_graph_with_the_right_shape(
    example_store, shapes, breakage, shape, words
):
    report, node = broken_report(example_store, shapes, breakage)
    assert not report.conforms
    hits = [v for v in report.violations if v.shape == shape and words in v.message]
    assert hits, [(v.shape, v.message) for v in report.violations]
    short = node.rsplit("/", 1)[-1]
    assert any(short in v.focus or short in (v.value or "") for v in hits)


def test_validate_cli_exit_codes_and_report(tmp_path, example_store):
    good = tmp_path / "good.nq"
    example_store.dump(good)
    result = runner.invoke(app, ["validate", "--graph", str(good)])
    assert result.exit_code == 0, result.output
    assert "7 document graphs" in result.stdout and "conforms" in result.stdout

    copy = ox.Store()
    copy.extend(example_store.store.quads_for_pattern(None, None, None, None))
    untype_event(copy)
    wrong_anchor(copy)
    bad = tmp_path / "bad.nq"
    copy.dump(str(bad), ox.RdfFormat.N_QUADS)
    result = runner.invoke(app, ["validate", "--graph", str(bad)])
    assert result.exit_code == 1
    assert "Violation:" in result.stdout
    assert "results by shape:" in result.stdout
    assert "EventShape" in result.stdout and "TextSpanShape" in result.stdout
    assert "does not conform: 2 violations" in result.stderr

    result = runner.invoke(app, ["validate", "--graph", str(tmp_path / "missing.nq")])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: no such graph file")
    result = runner.invoke(app, ["validate", "--graph", str(good), "--store", str(tmp_path)])
    assert result.exit_code == 2
    result = runner.invoke(app, ["validate", "--store", str(tmp_path / "nostore")])
    assert result.exit_code == 2
    assert "Error: no store" in result.stderr
