"""The embedded store: re-building is idempotent, a changed document replaces its graph."""

import json
import shutil
from pathlib import Path

import pytest

from kg.corpus import CorpusReader
from kg.pipeline import StoreSink, build
from kg.query import run_local
from kg.store import GraphStore
from tests.conftest import EXAMPLES

COUNT_EVENTS = """SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e aco:reportedIn ?d }"""


def n_events(store: GraphStore) -> int:
    return int(run_local(store, COUNT_EVENTS).values()[0][0])


@pytest.fixture
def corpus(tmp_path):
    target = tmp_path / "corpus"
    shutil.copytree(EXAMPLES, target)
    return target


def test_rebuilding_the_same_corpus_changes_nothing(tmp_path, corpus):
    store = GraphStore(tmp_path / "store")
    build(CorpusReader([corpus]), [StoreSink(store)])
    first = store.count()
    events = n_events(store)
    summary = build(
        CorpusReader([corpus]), [StoreSink(store)], known_hashes=store.document_hashes()
    )
    assert summary.unchanged == 7 and summary.documents == 0
    build(CorpusReader([corpus]), [StoreSink(store)])  # a full re-extraction too
    assert store.count() == first
    assert n_events(store) == events


def test_a_changed_document_replaces_its_graph(tmp_path, corpus):
    store = GraphStore(tmp_path / "store")
    build(CorpusReader([corpus]), [StoreSink(store)])
    path = corpus / "articles.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    rows[0]["text"] = rows[0]["text"].replace("14 مدنياً", "16 مدنياً")
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    summary = build(
        CorpusReader([corpus]), [StoreSink(store)], known_hashes=store.document_hashes()
    )
    assert summary.documents == 1 and summary.unchanged == 6
    tolls = run_local(
        store,
        """SELECT ?v WHERE { ?e aco:reportedIn ?d . ?d dcterms:identifier "ex-001" .
                                ?e aco:fatalities ?v }""",
    ).values()
    assert [int(v[0]) for v in tolls] == [16]


def test_store_reopens_read_only_and_records_its_version(tmp_path, corpus):
    path = tmp_path / "store"
    store = GraphStore(path)
    build(CorpusReader([corpus]), [StoreSink(store)])
    del store
    again = GraphStore(path, read_only=True)
    assert n_events(again) > 5
    meta = json.loads((path / "kg-meta.json").read_text())
    assert meta["tool"] == "arabic-conflict-kg" and meta["version"]


def test_removing_documents_drops_their_graphs(tmp_path, corpus):
    from kg.rdf import doc_graph

    store = GraphStore(tmp_path / "store")
    build(CorpusReader([corpus]), [StoreSink(store)])
    before = n_events(store)
    assert store.remove_documents([doc_graph("ex-001")]) == 1
    assert n_events(store) < before
    assert "ex-001" not in store.document_hashes()


def test_atomic_output_gives_the_file_the_usual_mode(tmp_path):
    import os
    import stat

    from kg.store import atomic_output

    mask = os.umask(0o022)
    try:
        with atomic_output(tmp_path / "graph.ttl") as tmp:
            Path(tmp).write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "graph.ttl").stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]  # no temporary file left


def quads(store: GraphStore) -> set[str]:
    return {str(q) for q in store.store.quads_for_pattern(None, None, None, None)}


def test_store_sink_loads_the_same_graph_in_many_small_loads(tmp_path, corpus):
    one = GraphStore(tmp_path / "one")
    build(CorpusReader([corpus]), [StoreSink(one)])
    many = GraphStore(tmp_path / "many")
    build(CorpusReader([corpus]), [StoreSink(many, spool_bytes=1)])  # a load per document
    assert quads(many) == quads(one) and len(quads(one)) > 1000
    assert not list((tmp_path / "one").glob("kg-spool-*"))  # the spool file is removed


def test_store_sink_keeps_what_was_extracted_before_a_failure(tmp_path, corpus):
    from kg.pipeline import serial_graphs

    def failing(docs):
        for n, dg in enumerate(serial_graphs(docs)):
            if n == 3:
                raise RuntimeError("the fourth document fails")
            yield dg

    store = GraphStore(tmp_path / "store")
    with pytest.raises(RuntimeError):
        build(CorpusReader([corpus]), [StoreSink(store)], mapper=failing)
    assert len(store.document_hashes()) == 3
    assert not list((tmp_path / "store").glob("kg-spool-*"))


def test_store_sink_that_receives_nothing_makes_no_spool_file(tmp_path):
    store = GraphStore(tmp_path / "store")
    sink = StoreSink(store)
    sink.close()
    assert not list((tmp_path / "store").glob("kg-spool-*"))
