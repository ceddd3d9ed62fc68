"""The commands of kg/cli_linked.py on a Typer app of their own (kg/cli.py registers them):
help everywhere, the main paths, one ``Error:`` line and the right exit code on failure,
and removing documents from the store (``kg remove``, ``prune``)."""

from __future__ import annotations

import gc

import pyoxigraph as ox
import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from kg.cli_linked import register
from kg.corpus import CorpusReader
from kg.enrich import ENRICHMENT_GRAPH
from kg.errors import InputError
from kg.prune import corpus_ids, prune, remove_documents, stale_documents
from kg.rdf import doc_graph
from kg.snapshot import SNAPSHOT_FILE, read_snapshot, write_snapshot
from kg.store import GraphStore
from tests.conftest import EXAMPLES
from tests.sparql_servers import (
    WIKIDATA_FIXTURE,
    build_examples,
    closed_port,
    load_default_graph,
    oxigraph,
    quads,
)

app = typer.Typer()
register(app)
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def error_line(result) -> str:
    lines = [x for x in result.stderr.splitlines() if x.startswith("Error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("built")
    nq, store = build_examples(folder)
    store.flush()
    return nq, folder / "store"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with oxigraph(tmp_path_factory.mktemp("remote")) as s:
        yield s


@pytest.fixture(scope="module")
def wikidata():
    with oxigraph() as s:
        load_default_graph(s, WIKIDATA_FIXTURE)
        yield s


def test_cli_every_linked_command_has_help():
    commands = get_command(app).commands  # type: ignore[attr-defined]
    assert {"push", "serve", "enrich", "remove", "gazetteer"} <= set(commands)
    for args in (["push"], ["serve"], ["enrich"], ["remove"], ["gazetteer", "refresh"]):
        result = invoke(*args, "--help")
        assert result.exit_code == 0 and "Usage" in result.output
    assert invoke("gazetteer", "suggest-qids", "--help").exit_code == 0


def test_cli_push_a_store_then_a_file(built, server):
    nq, store_dir = built
    result = invoke("push", "--endpoint", server.store_url, "--store", store_dir)
    assert result.exit_code == 0, result.output
    assert f"9 graphs, {GraphStore(store_dir, read_only=True).count()} triples sent" in (
        result.stderr
    )
    assert result.stdout == ""  # stdout carries data only
    once = quads(server)
    result = invoke("push", "--endpoint", server.update_url, "--graph", nq, "--method", "update")
    assert result.exit_code == 0 and "8 graphs" in result.stderr
    assert quads(server) == once


def test_cli_push_failure_is_one_line_with_how_to_resume(built):
    _, store_dir = built
    url = f"http://127.0.0.1:{closed_port()}/store"
    result = invoke("push", "--endpoint", url, "--store", store_dir, "--retries", "0")
    assert result.exit_code == 1
    line = error_line(result)
    assert f"push to {url} failed" in line and "0 of 9 graphs" in line
    assert "Hint: pushing again from the start is safe" in result.stderr


def test_cli_push_bad_options_exit_2(built, tmp_path):
    nq, store_dir = built
    result = invoke("push", "--endpoint", "http://127.0.0.1:1/store", "--method", "post")
    assert result.exit_code == 2 and "unknown push method" in error_line(result)
    result = invoke("push", "--endpoint", "x", "--store", store_dir, "--graph", nq)
    assert result.exit_code == 2 and "only one of --store and --graph" in error_line(result)
    result = invoke("push", "--endpoint", "http://127.0.0.1:1/store", "--store", tmp_path / "no")
    assert result.exit_code == 1 and "no store at" in error_line(result)


def test_cli_serve_reports_a_missing_store(tmp_path):
    result = invoke("serve", "--store", tmp_path / "none")
    assert result.exit_code == 1 and "no store at" in error_line(result)


def test_cli_enrich_then_remove(built, wikidata, tmp_path):
    nq, _ = built
    store_dir = tmp_path / "store"
    store = GraphStore(store_dir)
    store.load_file(nq)
    del store
    result = invoke("enrich", "--store", store_dir, "--endpoint", wikidata.query_url)
    assert result.exit_code == 0, result.output
    assert "6 found" in result.stderr
    result = invoke("remove", "ex-001", "ex-002", "--store", store_dir)
    assert result.exit_code == 0 and "removed 2 documents: ex-001, ex-002" in result.stderr
    result = invoke("remove", "ex-001", "--store", store_dir)
    assert result.exit_code == 2 and "not in the store: ex-001" in error_line(result)
    del result
    gc.collect()  # the failed command's frames held the store open
    store = GraphStore(store_dir)
    assert sorted(store.document_hashes()) == [f"ex-00{n}" for n in range(3, 8)]
    assert store.store.contains_named_graph(ox.NamedNode(ENRICHMENT_GRAPH))


def test_cli_enrich_failure_names_the_endpoint(built, tmp_path):
    nq, _ = built
    store = GraphStore(tmp_path / "store")
    store.load_file(nq)
    del store
    url = f"http://127.0.0.1:{closed_port()}/sparql"
    result = invoke("enrich", "--store", tmp_path / "store", "--endpoint", url, "--retries", "0")
    assert result.exit_code == 1
    assert url in error_line(result) and "the store was not changed" in error_line(result)


def test_cli_gazetteer_refresh_and_suggest(wikidata, tmp_path):
    rows = [r for r in read_snapshot(SNAPSHOT_FILE) if r["key"] in ("Q41183", "gn:169041")]
    snapshot = tmp_path / "g.tsv.gz"
    write_snapshot(rows, snapshot)
    changes = tmp_path / "changes.tsv"
    result = invoke(
        "gazetteer", "refresh", "--snapshot", snapshot, "--endpoint", wikidata.query_url,
        "--changes", changes,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "1 entries updated (4 cells)" in result.stderr
    assert "Q41183\tpopulation\t1602264\t2098210" in changes.read_text(encoding="utf-8")
    review = tmp_path / "review.tsv"
    result = invoke(
        "gazetteer", "suggest-qids", "--snapshot", snapshot, "--out", review,
        "--endpoint", wikidata.query_url, "--kind", "settlement",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2 candidate items for 1 entries" in result.stderr
    result = invoke("gazetteer", "refresh", "--snapshot", snapshot, "--qid", "Q1; DROP")
    assert result.exit_code == 2 and "not a Wikidata item id" in error_line(result)


def test_prune_removes_documents_gone_from_the_corpus(built, tmp_path):
    nq, _ = built
    store = GraphStore(None)
    store.load_file(nq)
    ids = corpus_ids(CorpusReader([EXAMPLES]))
    assert stale_documents(store, ids) == []
    assert prune(store, ids - {"ex-003", "ex-006"}) == ["ex-003", "ex-006"]
    assert not store.store.contains_named_graph(ox.NamedNode(doc_graph("ex-003")))
    assert len(store.document_hashes()) == 5
    with pytest.raises(InputError, match="refusing to remove every document"):
        prune(store, set())
    with pytest.raises(InputError, match="nothing was removed"):
        remove_documents(store, ["ex-001", "nope"])
    assert len(store.document_hashes()) == 5
