"""Extraction in worker processes: the same output as a serial build, in order, streaming."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kg.corpus import CorpusReader
from kg.errors import InputError
from kg.gazetteer import Gazetteer
from kg.model import Document
from kg.parallel import ExtractionError, mapper_for, process_mapper
from kg.pipeline import DocumentGraph, FileSink, build, document_graph, serial_graphs
from tests.conftest import EXAMPLES

COPIES = 7  # 7 copies of the 7 example articles: 49 documents


def replicate_examples(target: Path, copies: int = COPIES) -> Path:
    """The example corpus ``copies`` times over, with distinct ids: a JSON Lines file and a
    folder of text files."""
    target.mkdir(parents=True, exist_ok=True)
    records = [
        json.loads(line)
        for line in (EXAMPLES / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    with (target / "articles.jsonl").open("w", encoding="utf-8") as handle:
        for n in range(copies):
            for record in records:
                copy = {**record, "id": f"{record['id']}-r{n}"}
                handle.write(json.dumps(copy, ensure_ascii=False) + "\n")
    (target / "txt").mkdir(exist_ok=True)
    for path in sorted((EXAMPLES / "txt").glob("*.txt")):
        for n in range(copies):
            (target / "txt" / f"{path.stem}-r{n}.txt").write_bytes(path.read_bytes())
    return target


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return replicate_examples(tmp_path_factory.mktemp("corpus"))


def build_file(corpus: Path, out: Path, **options) -> int:
    summary = build(CorpusReader([corpus]), [FileSink(out)], **options)
    return summary.documents


def test_parallel_build_writes_the_serial_build_byte_for_byte(corpus, tmp_path):
    serial, parallel = tmp_path / "serial.nq", tmp_path / "parallel.nq"
    assert build_file(corpus, serial) == 7 * COPIES
    assert build_file(corpus, parallel, mapper=process_mapper(2)) == 7 * COPIES
    assert parallel.read_bytes() == serial.read_bytes()  # same order, so no sorting needed
    lines = serial.read_text(encoding="utf-8").splitlines()
    assert len({line.split()[-2] for line in lines}) == 7 * COPIES + 1  # + the entities graph


def test_parallel_graphs_come_back_in_input_order(corpus):
    docs = list(CorpusReader([corpus]))
    mapper = process_mapper(2, chunk=1, window=1)
    assert [dg.doc_id for dg in mapper(docs)] == [d.id for d in docs]


def test_parallel_mapper_streams_with_a_bounded_window(corpus):
    pulled = 0

    def counting(docs):
        nonlocal pulled
        for doc in docs:
            pulled += 1
            yield doc

    graphs = process_mapper(2, chunk=2, window=3)(counting(CorpusReader([corpus])))
    first = next(graphs)
    assert first.doc_id == "ex-001-r0"
    assert pulled <= 2 * 3 * 2 + 2  # the window, and the chunk being handed out
    assert sum(1 for _ in graphs) == 7 * COPIES - 1
    assert pulled == 7 * COPIES


def _fail_on_one(doc: Document, gaz: Gazetteer) -> DocumentGraph:
    if doc.id == "ex-003-r2":
        raise ValueError("no such token")
    return document_graph(doc, gaz)


def _die_on_one(doc: Document, gaz: Gazetteer) -> DocumentGraph:
    if doc.id == "ex-002-r1":
        os._exit(3)
    return document_graph(doc, gaz)


def test_a_worker_error_names_the_document(corpus):
    mapper = process_mapper(2, task=_fail_on_one)
    with pytest.raises(ExtractionError) as caught:
        list(mapper(CorpusReader([corpus])))
    error = caught.value
    assert error.doc_id == "ex-003-r2"
    assert "'ex-003-r2'" in error.message and "ValueError: no such token" in error.message
    assert "articles.jsonl:13" in error.message  # the record's origin
    assert "_fail_on_one" in error.details  # the worker's traceback


def test_a_failed_parallel_build_keeps_no_partial_file(corpus, tmp_path):
    out = tmp_path / "g.nq"
    with pytest.raises(ExtractionError):
        build(CorpusReader([corpus]), [FileSink(out)], mapper=process_mapper(2, task=_fail_on_one))
    assert not out.exists() and not list(tmp_path.glob("*.part"))


def test_a_dead_worker_is_reported_with_its_documents(corpus):
    mapper = process_mapper(2, task=_die_on_one, chunk=1)
    with pytest.raises(ExtractionError, match="worker process died") as caught:
        list(mapper(CorpusReader([corpus])))
    assert "ex-002-r1" in caught.value.doc_ids  # one of the documents in flight killed it
    assert caught.value.hint


def test_spawned_workers_load_the_gazetteer_themselves(corpus):
    docs = list(CorpusReader([corpus]))[:3]
    from kg.pipeline import in_graph
    from kg.rdf import nquads

    spawned = process_mapper(1, start_method="spawn")(docs)
    assert [in_graph(dg.graph, dg.text or "") for dg in spawned] == [
        nquads(dg.graph, dg.triples) for dg in serial_graphs(docs)
    ]


def test_one_worker_means_this_process():
    assert mapper_for(1) is serial_graphs
    assert mapper_for(2) is not serial_graphs


@pytest.mark.parametrize("options", [{"workers": 0}, {"chunk": 0}, {"start_method": "nope"}])
def test_bad_mapper_options_are_input_errors(options):
    with pytest.raises(InputError):
        process_mapper(**options)


def test_parallel_workers_send_graphs_back_as_text(corpus, gaz: Gazetteer):
    """Workers return each graph as one N-Triples string (cheaper to send than its tuples);
    every sink writes it as it writes the triples, and a sink that only knows triples gets
    them back, the same."""
    from kg.pipeline import Sink, in_graph, serialised
    from kg.rdf import nquads

    [doc, *_] = CorpusReader([corpus])
    dg = document_graph(doc, gaz)
    packed = serialised(dg)
    assert packed.triples == [] and packed.size == len(dg.triples) > 0
    assert in_graph(dg.graph, packed.text or "") == nquads(dg.graph, dg.triples)

    class Triples(Sink):
        def __init__(self) -> None:
            super().__init__()
            self.got: list = []

        def write(self, graph, triples, entity_part):
            self.got.append((graph, triples, entity_part))

    plain, text = Triples(), Triples()
    plain.write_document(dg)
    text.write_document(packed)
    assert text.got == plain.got
    assert [dg.doc_id for dg in process_mapper(2)(CorpusReader([corpus]))] == [
        d.id for d in CorpusReader([corpus])
    ]
