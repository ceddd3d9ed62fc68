"""Pushing a built graph into a real SPARQL store (Oxigraph's server on a loopback port):
every graph and triple arrives, pushing twice changes nothing, and the pushed graph answers
every canned query as the embedded store does."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.query import available_queries, resolve_query, run_endpoint, run_local
from kg.rdf import ENTITIES_GRAPH, ONTOLOGY_GRAPH, doc_graph
from kg.remote import iri_ref, push, sparql_term, update_requests
from kg.resolve import resolve
from kg.store import GraphStore
from tests.sparql_servers import build_examples, quads


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_examples(tmp_path_factory.mktemp("built"))


@pytest.fixture(scope="module")
def resolved(tmp_path_factory):
    """The example store with its incidents and control graphs, as kg build writes them."""
    _, store = build_examples(tmp_path_factory.mktemp("resolved"))
    resolve(store)
    return store


def local_quads(store: GraphStore) -> set[tuple[str, str, str, str]]:
    def text(term) -> str:
        if isinstance(term, ox.NamedNode):
            return f"uri|{term.value}|"
        if isinstance(term, ox.BlankNode):
            return f"bnode|{term.value}|"
        extra = term.language or (
            "" if term.datatype.value.endswith("#string") else term.datatype.value
        )
        return f"literal|{term.value}|{extra}"

    return {
        (text(q.graph_name), text(q.subject), text(q.predicate), text(q.object))
        for q in store.store.quads_for_pattern(None, None, None, None)
        if not isinstance(q.graph_name, ox.DefaultGraph)
    }


def test_remote_push_sends_one_graph_per_document(built, remote):
    _, store = built
    summary = push(store, remote.store_url)
    graphs = {g for g, *_ in quads(remote)}
    expected = {doc_graph(f"ex-00{n}") for n in range(1, 8)} | {ENTITIES_GRAPH, ONTOLOGY_GRAPH}
    assert {g.split("|")[1] for g in graphs} == expected
    assert summary.graphs == 9 and summary.skipped == 0
    assert summary.triples == store.count()
    assert quads(remote) == local_quads(store)


def test_remote_pushing_twice_leaves_the_store_as_one_push(built, remote):
    _, store = built
    push(store, remote.store_url)
    once = quads(remote)
    push(store, remote.store_url)
    assert quads(remote) == once
    push(store, remote.update_url, method="update", batch_size=100)
    assert quads(remote) == once


def test_remote_update_method_sends_bounded_batches(built, remote):
    _, store = built
    seen = []
    summary = push(
        store,
        remote.update_url,
        method="update",
        batch_size=200,
        progress=lambda s: seen.append((s.requests, s.graphs)),
    )
    assert summary.requests >= store.count() // 200
    assert quads(remote) == local_quads(store)
    assert summary.graphs == 9 and summary.triples == store.count()
    assert [n for n, _ in seen] == list(range(1, summary.requests + 1))
    assert seen[-1][1] == 9


def test_remote_update_batches_never_exceed_the_bound_nor_split_blank_nodes():
    a, p = ox.NamedNode("http://ex/a"), ox.NamedNode("http://ex/p")
    plain = [ox.Triple(a, p, ox.Literal(str(n))) for n in range(25)]
    bnode = ox.BlankNode()
    linked = [ox.Triple(bnode, p, ox.Literal(str(n))) for n in range(15)]
    requests_ = list(update_requests([("http://ex/g1", plain), ("http://ex/g2", linked)], 10))
    assert [r.triples for r in requests_] == [10, 10, 5 + 15]
    assert [r.completed for r in requests_] == [[], [], ["http://ex/g1", "http://ex/g2"]]
    assert requests_[0].body.startswith("DROP SILENT GRAPH <http://ex/g1> ;")
    assert "DROP" not in requests_[1].body


def test_remote_push_from_a_file_and_resume_after(built, remote):
    nq, _ = built
    source = GraphStore(None)
    source.load_file(nq)
    names = sorted({g for g, *_ in local_quads(source)})
    assert len(names) == 8  # the file carries no ontology graph
    summary = push(source, remote.store_url, resume_after=doc_graph("ex-004"))
    assert summary.skipped == 4 and summary.graphs == 4
    pushed = {g.split("|")[1] for g, *_ in quads(remote)}
    assert pushed == {doc_graph(f"ex-00{n}") for n in (5, 6, 7)} | {ENTITIES_GRAPH}


def test_remote_a_turtle_file_goes_into_the_graph_named_by_into(built, remote, tmp_path):
    _, store = built
    ttl = tmp_path / "g.ttl"
    store.dump(ttl)
    source = GraphStore(None)
    source.load_file(ttl)
    with pytest.raises(InputError, match="outside any named graph"):
        push(source, remote.store_url)
    summary = push(source, remote.store_url, into="http://example.org/all")
    assert summary.graphs == 1
    assert {g for g, *_ in quads(remote)} == {"uri|http://example.org/all|"}


@pytest.mark.parametrize("name", sorted(available_queries()))
def test_remote_every_canned_query_answers_as_on_the_embedded_store(resolved, remote, name):
    store = resolved
    push(store, remote.store_url)
    text = resolve_query(name)
    remote_rows = run_endpoint(remote.query_url, text).values()
    local_rows = run_local(store, text).values()
    assert remote_rows and sorted(map(str, remote_rows)) == sorted(map(str, local_rows))


literal_text = st.text(min_size=0, max_size=40)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=literal_text, lang=st.sampled_from([None, "ar", "en-GB"]))
def test_remote_update_writes_any_literal_exactly(remote, value, lang):
    store = GraphStore(None)
    g = ox.NamedNode("http://example.org/g")
    literal = ox.Literal(value, language=lang) if lang else ox.Literal(value)
    store.store.add(
        ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://ex/p"), literal, g)
    )
    push(store, remote.update_url, method="update", retries=0)
    assert quads(remote) == local_quads(store)


def test_remote_sparql_terms_are_escaped():
    hostile = 'x" } ; DROP ALL ; #\n\\u0022'
    assert sparql_term(ox.Literal(hostile)) == '"x\\" } ; DROP ALL ; #\\n\\\\u0022"'
    assert sparql_term(ox.Literal("حلب", language="ar")) == '"حلب"@ar'
    assert iri_ref("http://ex/a") == "<http://ex/a>"
    with pytest.raises(InputError):
        iri_ref("http://ex/a> } ; DROP ALL ; <http://ex/b")


def test_remote_refuses_what_cannot_be_pushed(built):
    _, store = built
    with pytest.raises(InputError, match="not an http"):
        push(store, "ftp://example.org/store")
    with pytest.raises(InputError, match="unknown push method"):
        push(store, "http://127.0.0.1:1/store", method="post")
