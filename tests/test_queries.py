"""Every canned query in queries/ runs on a store built from the example corpus."""

import pytest

from kg.corpus import CorpusReader
from kg.pipeline import StoreSink, build
from kg.query import (
    QUERIES_DIR,
    available_queries,
    describe_query,
    resolve_query,
    run_local,
    with_values,
)
from kg.resolve import resolve
from kg.store import GraphStore
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = GraphStore(tmp_path_factory.mktemp("store") / "kg")
    s.ensure_ontology()
    build(CorpusReader([EXAMPLES]), [StoreSink(s)])
    resolve(s)  # incidents and control claims, as kg build does
    return s


def rows(store, query_name, **bind):
    results = run_local(store, resolve_query(query_name), bind or None)
    return [dict(zip(results.variables, r, strict=True)) for r in results.values()]


@pytest.mark.parametrize("name", sorted(available_queries()))
def test_every_query_has_a_comment_and_answers(store, name):
    assert describe_query(QUERIES_DIR / f"{name}.rq")
    assert rows(store, name), f"{name} returned nothing on the example corpus"


def test_events_by_place_counts_the_saraqib_strikes(store):
    got = {
        (r["eventType"], r["placeLabel"]): int(r["events"]) for r in rows(store, "events-by-place")
    }
    assert got[("air or drone strike", "سراقب")] == 2  # two outlets, one event each


def test_fatalities_by_place_sums_each_document_once(store):
    got = {r["placeLabel"]: int(r["fatalities"]) for r in rows(store, "fatalities-by-place")}
    assert got["سراقب"] == 14 + 17
    assert got["البوكمال"] == 8


def test_actor_events_names_roles(store):
    got = rows(store, "actor-events")
    assert any(r["role"] == "agent" and r["actorLabel"] == "الجيش اليمني" for r in got) or any(
        r["role"] == "agent" for r in got
    )
    assert {r["role"] for r in got} >= {"agent"}


def test_reports_by_source_separates_outlets(store):
    outlets = {r["outlet"] for r in rows(store, "reports-by-source")}
    assert {"example-news", "example-wire"} <= outlets


def test_documents_mentioning_binds_an_escaped_name(store):
    got = rows(store, "documents-mentioning", name="سراقب")
    assert sorted(r["id"] for r in got) == ["ex-001", "ex-002"]
    assert rows(store, "documents-mentioning", name='x" } ; DROP ALL ; #') == []


def test_casualty_claims_keep_each_outlets_figure(store):
    claims = {
        (r["outlet"], int(r["value"]))
        for r in rows(store, "casualty-claims")
        if r["what"] == "fatalities"
    }
    assert ("example-news", 14) in claims and ("example-wire", 17) in claims


def test_values_injection_escapes_quotes_and_backslashes():
    q = with_values("SELECT ?x WHERE { ?x ?p ?name }", {"name": 'a"b\\c'})
    assert 'VALUES (?name) { ("a\\"b\\\\c") }' in q
