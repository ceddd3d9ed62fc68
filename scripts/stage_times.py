"""Time each pipeline stage over a JSON Lines corpus, beside camel-tools tokenisation alone.

Extraction times are CPU seconds of this process (``time.process_time``), so other work on a
shared machine does not inflate them; the store stages (``--store``) count every thread of the
process (``getrusage``), since Oxigraph's bulk loader and RocksDB work in threads of their own.
Run: python scripts/stage_times.py ../shared/corpus/conflict_2144.jsonl [--store]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from kg.arabic import analyse, camel_tokenise
from kg.coref import add_references
from kg.events import extract_events
from kg.gazetteer import default_gazetteer
from kg.linking import link
from kg.mentions import find_candidates
from kg.model import Document, Extraction
from kg.phrases import extend_actor_phrases
from kg.pipeline import DocumentGraph, StoreSink, place_countries
from kg.rdf import doc_graph, document_triples, nquads

STAGES = ("tokenise", "recognise", "link", "references", "phrases", "events", "triples", "n-quads")


def cpu_all_threads() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--store", action="store_true", help="also time the store and resolve")
    args = parser.parse_args()
    clock = time.process_time
    t = clock()
    gaz = default_gazetteer()
    gazetteer_seconds = clock() - t
    with args.corpus.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    docs = [Document(r["id"], r["text"], r.get("date")) for r in rows]
    spent = dict.fromkeys(STAGES, 0.0)
    graphs = []
    for doc in docs:
        t0 = clock()
        analysis = analyse(doc.text)
        t1 = clock()
        candidates = find_candidates(doc.text, analysis, gaz)
        t2 = clock()
        mentions, entities = link(doc.text, analysis, candidates, gaz)
        t3 = clock()
        mentions, entities = add_references(doc.text, analysis, mentions, entities, gaz)
        t4 = clock()
        mentions, entities = extend_actor_phrases(doc.text, analysis, mentions, entities)
        t5 = clock()
        events = extract_events(doc, analysis, mentions, place_countries(entities))
        t6 = clock()
        triples = document_triples(Extraction(doc, analysis, mentions, entities, events))
        t7 = clock()
        nquads(doc_graph(doc.id), triples)
        t8 = clock()
        times = (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5, t7 - t6, t8 - t7)
        for stage, dt in zip(STAGES, times, strict=True):
            spent[stage] += dt
        if args.store:
            graphs.append(
                DocumentGraph(doc.id, doc_graph(doc.id), triples, entities, len(mentions), 0)
            )
    total = sum(spent.values())
    start = clock()
    for doc in docs:
        camel_tokenise(doc.text)
    camel = clock() - start
    chars = sum(len(d.text) for d in docs) / len(docs)
    print(
        f"{len(docs)} documents, {chars:.0f} characters on average; load {os.getloadavg()[0]:.2f}"
    )
    print("| stage | CPU seconds | share |\n|---|---|---|")
    for stage, sec in spent.items():
        print(f"| {stage} | {sec:.2f} | {100 * sec / total:.0f}% |")
    print(f"| extraction, all stages | {total:.2f} | {len(docs) / total:.0f} docs/s |")
    print(f"| gazetteer load (once) | {gazetteer_seconds:.2f} | |")
    if args.store:
        load, resolve = store_seconds(graphs)
        print(f"| store: N-Quads, spool, bulk loads, all threads | {load:.2f} | |")
        print(f"| resolve (read, group, load), all threads | {resolve:.2f} | |")
    print(f"| camel-tools tokenisation alone | {camel:.2f} | {len(docs) / camel:.0f} docs/s |")
    print(f"ratio extraction / camel tokenisation: {total / camel:.1f}")


def store_seconds(graphs: list[DocumentGraph]) -> tuple[float, float]:
    """CPU of loading the graphs into a fresh on-disk store as ``kg build`` does (`StoreSink`:
    spooled, bulk-loaded 256 MB at a time), and of resolving its incidents."""
    from kg.resolve import resolve
    from kg.store import GraphStore

    folder = Path(tempfile.mkdtemp(prefix="stage-times-"))
    try:
        store = GraphStore(folder / "store")
        store.ensure_ontology()
        sink = StoreSink(store)
        t0 = cpu_all_threads()
        for dg in graphs:
            sink.write_document(dg)
        sink.close()
        t1 = cpu_all_threads()
        resolve(store)
        t2 = cpu_all_threads()
        del store, sink
        return t1 - t0, t2 - t1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
