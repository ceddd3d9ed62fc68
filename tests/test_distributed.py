"""The Dask build: shards whose union is the serial build, a manifest that counts right, the
reader's bad-record policy across partitions, and ``kg load`` into the embedded store."""

from __future__ import annotations

import json
import sys
from itertools import pairwise
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from kg.cli_scale import register
from kg.corpus import CorpusReader
from kg.distributed import build_shards
from kg.errors import InputError, KgError
from kg.partitions import plan_partitions
from kg.pipeline import FileSink, StoreSink, build
from kg.query import resolve_query, run_local
from kg.rdf import doc_graph
from kg.shards import document_graphs, load_shards
from kg.store import GraphStore
from tests.test_parallel import replicate_examples

pytest.importorskip("distributed")

BLOCK = 6000  # bytes of JSON Lines per partition: several partitions over the test corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """49 documents, and bad records: malformed JSON, no text, a duplicate of an id that an
    earlier partition holds, and a date that is not ISO 8601."""
    root = replicate_examples(tmp_path_factory.mktemp("corpus"))
    bad = [
        '{"id": "broken", "text": ',
        json.dumps({"id": "empty", "text": "  "}),
        json.dumps({"id": "ex-001-r0", "text": "نص آخر بالمعرّف نفسه"}),
        json.dumps({"id": "late", "date": "yesterday", "text": "قصفت طائرات مدينة حلب."}),
    ]
    with (root / "articles.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("\n".join(bad) + "\n")
    return root


@pytest.fixture(scope="module")
def serial(corpus, tmp_path_factory):
    """The serial build of the corpus, as an N-Quads file, with its reader."""
    out = tmp_path_factory.mktemp("serial") / "serial.nq"
    reader = CorpusReader([corpus])
    summary = build(reader, [FileSink(out)])
    return out, reader, summary


@pytest.fixture(scope="module")
def shards(corpus, tmp_path_factory):
    target = tmp_path_factory.mktemp("shards")
    summary = build_shards([corpus], target, workers=2, processes=False, block_bytes=BLOCK)
    return target, summary


def quad_set(*files: Path) -> set[str]:
    return {line for f in files for line in f.read_text(encoding="utf-8").splitlines()}


def test_shards_together_are_the_serial_build(serial, shards):
    out, _, _ = serial
    target, _ = shards
    files = sorted(target.glob("shard-*.nq"))
    assert [f.name for f in files] == [f"shard-{i:05d}.nq" for i in range(len(files))]
    assert len(files) > 3
    assert quad_set(*files) == quad_set(out)


def test_the_manifest_counts_what_the_serial_build_counts(serial, shards):
    _, reader, built = serial
    target, summary = shards
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["read"] == manifest["documents"] == built.documents == 50
    assert manifest["triples"] == built.triples
    assert manifest["events"] == built.events and manifest["entities"] == len(built.entities)
    assert manifest["rejected"] == {"duplicate id": 1, "malformed JSON": 1, "no text": 1}
    assert manifest["warnings"] == {"bad date": 1}
    assert [tuple(r.values()) for r in manifest["rejections"]] == [
        (r.origin, r.reason, r.detail) for r in reader.report.rejected
    ]
    shards_listed = manifest["shards"]
    assert [s["file"] for s in shards_listed] == sorted(p.name for p in target.glob("*.nq"))
    assert sum(s["documents"] for s in shards_listed) == 50
    assert sum(len(s["ids"]) for s in shards_listed) == 50
    for s in shards_listed:  # every quad of a shard is counted
        lines = (target / s["file"]).read_text(encoding="utf-8").count("\n")
        assert lines == s["quads"]
    assert "50 documents read, 3 skipped" in summary.line()


def test_partitions_cover_the_file_on_line_boundaries(corpus):
    path = corpus / "articles.jsonl"
    data = path.read_bytes()
    parts = [p for p in plan_partitions([path], block_bytes=BLOCK) if p.path]
    assert parts[0].start == 0 and parts[-1].end == len(data)
    for before, after in pairwise(parts):
        assert before.end == after.start and data[before.end - 1 : before.end] == b"\n"
        assert after.first_line == before.first_line + data[before.start : before.end].count(b"\n")


def test_text_files_are_partitioned_in_blocks(corpus):
    files = CorpusReader([corpus / "txt"]).files
    parts = plan_partitions(files, block_files=5)
    assert [len(p.files) for p in parts] == [5, 5, 4]
    assert [Path(f).name for p in parts for f in p.files] == [f.name for f in files]


def test_fail_policy_stops_as_the_serial_reader_does(corpus, tmp_path):
    with pytest.raises(InputError) as serial_error:
        list(CorpusReader([corpus], policy="fail"))
    with pytest.raises(InputError) as dask_error:
        build_shards(
            [corpus], tmp_path, workers=1, processes=False, block_bytes=BLOCK, policy="fail"
        )
    assert dask_error.value.message == serial_error.value.message
    assert not (tmp_path / "manifest.json").exists()


def test_a_rebuild_removes_shards_it_no_longer_writes(corpus, tmp_path):
    build_shards([corpus], tmp_path, workers=1, processes=False, block_bytes=BLOCK)
    many = len(list(tmp_path.glob("shard-*.nq")))
    build_shards([corpus], tmp_path, workers=1, processes=False)
    assert len(list(tmp_path.glob("shard-*.nq"))) == 2 < many  # one per JSON Lines, txt


def test_loading_shards_answers_queries_as_a_direct_build(corpus, shards, tmp_path):
    target, _ = shards
    direct = GraphStore(tmp_path / "direct")
    build(CorpusReader([corpus]), [StoreSink(direct)])
    loaded = GraphStore(tmp_path / "loaded")
    summary = load_shards([target], loaded)
    assert summary.documents == 50 and summary.replaced == 0
    assert loaded.count() == direct.count() == summary.quads
    for name in ("events-by-place", "fatalities-by-place"):
        query = resolve_query(name)
        assert run_local(loaded, query).rows == run_local(direct, query).rows


def test_loading_replaces_the_graphs_of_its_documents(corpus, shards, tmp_path):
    target, _ = shards
    changed = tmp_path / "changed.jsonl"
    changed.write_text(
        json.dumps({"id": "ex-001-r0", "text": "قتل شخص في حلب."}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    store = GraphStore(tmp_path / "store")
    build(CorpusReader([changed]), [StoreSink(store)])
    summary = load_shards([target], store)
    assert summary.replaced == 1
    hashes = run_local(
        store,
        """SELECT ?h WHERE { GRAPH ?g { ?c dcterms:identifier "ex-001-r0" ;
                                          aco:contentHash ?h } }""",
    ).rows
    assert len(hashes) == 1  # the old graph is gone, not merged
    count = store.count()
    assert load_shards([target], store).replaced == 50
    assert store.count() == count


def test_a_plain_nquads_file_loads_with_its_documents_found_by_parsing(serial, tmp_path):
    out, _, built = serial
    assert len(document_graphs(out)) == built.documents
    store = GraphStore(tmp_path / "store")
    first = load_shards([out], store)
    again = load_shards([out], store)
    assert first.documents == again.replaced == built.documents
    assert again.quads == first.quads


def test_loading_a_missing_shard_is_an_input_error(shards, tmp_path):
    target, _ = shards
    with pytest.raises(InputError, match="no such file or folder"):
        load_shards([tmp_path / "nope.nq"], GraphStore(None))
    with pytest.raises(InputError, match="unknown RDF format"):
        load_shards([target / "manifest.json"], GraphStore(None))


def test_without_dask_the_error_says_how_to_install_it(corpus, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(KgError) as caught:
        build_shards([corpus], tmp_path)
    assert "Dask" in caught.value.message and "[dask]" in (caught.value.hint or "")


def test_cli_builds_shards_on_local_worker_processes_and_loads_them(corpus, tmp_path):
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    shard_dir, store = tmp_path / "shards", tmp_path / "store"
    rejects = tmp_path / "rejects.tsv"
    args = ["build-dask", str(corpus), "--shards", str(shard_dir), "--workers", "1"]
    result = runner.invoke(app, [*args, "--rejects", str(rejects)])
    assert result.exit_code == 0, result.output
    assert "50 documents read, 3 skipped" in result.stderr
    assert len(rejects.read_text(encoding="utf-8").splitlines()) == 4
    result = runner.invoke(app, ["load", str(shard_dir), "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "50 documents (0 replaced)" in result.stderr
    assert doc_graph("ex-001-r0") in document_graphs(shard_dir / "shard-00000.nq")


def test_cli_errors_are_one_line(corpus, tmp_path):
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    result = runner.invoke(app, ["load", str(tmp_path / "nope"), "--store", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert [line for line in result.stderr.splitlines() if line.startswith("Error:")] == [
        f"Error: no such file or folder: {tmp_path / 'nope'}"
    ]
    args = ["build-dask", str(corpus), "--shards", str(tmp_path), "--scheduler", "tcp://x:1"]
    result = runner.invoke(app, [*args, "--workers", "2"])
    assert result.exit_code == 2 and "not with --scheduler" in result.stderr
