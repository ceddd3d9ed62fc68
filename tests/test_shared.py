"""Builds of the real seed article and the shared development corpus (skipped without ../shared)."""

import pytest

from kg.corpus import CorpusReader
from kg.pipeline import StoreSink, build
from kg.query import run_local
from kg.store import GraphStore
from kg.validate import validate_store
from tests.conftest import DEV, SEED_DIR, needs_shared

pytestmark = [needs_shared, pytest.mark.slow]

ANCHORS = """SELECT ?a ?t ?b ?e WHERE { ?p nif:anchorOf ?a ; nif:beginIndex ?b ; nif:endIndex ?e ;
                                        nif:referenceContext ?c . ?c nif:isString ?t }"""
NOT_SEM_EVENTS = """SELECT DISTINCT ?cls WHERE { ?e aco:trigger ?t ; a ?cls .
    FILTER NOT EXISTS { ?cls rdfs:subClassOf* sem:Event } FILTER(?cls != aco:NonFactualEvent) }"""
UNTYPED_ENTITIES = """SELECT DISTINCT ?x WHERE { ?m itsrdf:taIdentRef ?x .
    FILTER NOT EXISTS { ?x a ?k . ?k rdfs:subClassOf* aco:Actor } FILTER NOT EXISTS { ?x a ?k2 .
    ?k2 rdfs:subClassOf* aco:Place } }"""


def count(store, sparql):
    return int(run_local(store, sparql).values()[0][0])


def check_contract(store):
    for anchor, text, b, e in run_local(store, ANCHORS).values():
        assert text[int(b) : int(e)] == anchor
    assert run_local(store, NOT_SEM_EVENTS).values() == []
    assert run_local(store, UNTYPED_ENTITIES).values() == []
    report = validate_store(store)  # the SHACL shapes of ontology/shapes/
    assert report.conforms, report.violations[:5]
    assert report.documents > 0


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory):
    store = GraphStore(tmp_path_factory.mktemp("seed") / "kg")
    store.ensure_ontology()
    build(CorpusReader([SEED_DIR]), [StoreSink(store)])
    return store


def test_seed_article_builds_a_valid_non_trivial_graph(seed_store):
    check_contract(seed_store)
    assert count(seed_store, "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e aco:trigger ?t }") >= 20
    assert (
        count(seed_store, "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m itsrdf:taIdentRef ?x }")
        >= 80
    )


def test_seed_article_links_aleppo_idlib_and_kafranbel_to_the_right_items(seed_store):
    rows = run_local(
        seed_store,
        """SELECT DISTINCT ?a ?x WHERE { ?m nif:anchorOf ?a ;
        itsrdf:taIdentRef ?x }""",
    ).values()
    links = {a: x.rsplit("/", 1)[-1] for a, x in rows}
    assert links["كفرنبل"] == "Q6346193"
    assert links["معرة النعمان"] == "Q728226"
    assert links["الولايات المتحدة"] == "Q30"
    assert links["النظام السوري"] == "Q131404661"
    strike = run_local(
        seed_store,
        """SELECT ?n ?q WHERE { ?e a aco:AirStrike ; aco:fatalities ?n ;
        aco:fatalitiesQualifier ?q }""",
    ).values()
    assert ["52", "https://w3id.org/ar-conflict-kg/ontology#AtLeast"] in strike


def test_dev_corpus_builds_a_valid_graph(tmp_path):
    store = GraphStore(tmp_path / "kg")
    store.ensure_ontology()
    summary = build(CorpusReader([DEV]), [StoreSink(store)])
    assert summary.read == 300 and not summary.skipped
    check_contract(store)
    assert summary.events > 1000
    assert summary.triples > 100_000
