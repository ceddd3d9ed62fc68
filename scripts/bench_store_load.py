"""What loading the embedded store costs per document, apart from extraction.

1. Extract a corpus once (the shared 2,144-article corpus when it is there, else the bundled
   examples) and write each document's N-Quads, as ``kg build`` hands them to the store.
2. In a fresh child process and a fresh on-disk Oxigraph store, load them through
   ``StoreSink`` as ``kg build`` does (spooled to a file, bulk-loaded 256 MB at a time,
   lenient parsing); then, for each batch size, bulk-load the documents batch by batch
   (``GraphStore.replace_documents`` on N-Quads text, as ``StoreSink`` did before it spooled)
   and flush. Report wall time and CPU time of all the child's threads (RocksDB's background
   threads included), per document and per quad.
3. The same quads in one bulk load of one file, and into an in-memory store, for comparison.
4. The floor: as many trivial quads (short IRIs, a short literal, one graph per 500 quads) in
   one bulk load, on disk and in memory: what Oxigraph costs per quad whatever the graph holds.

Run: python scripts/bench_store_load.py [--corpus FILE_OR_DIR] [--batches 64,256,4096]
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.corpus import CorpusReader  # noqa: E402
from kg.gazetteer import default_gazetteer  # noqa: E402
from kg.pipeline import entity_part, extract  # noqa: E402
from kg.rdf import ENTITIES_GRAPH, doc_graph, document_triples, nquads  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpus" / "conflict_2144.jsonl"
EXAMPLES = ROOT / "examples" / "corpus"


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # every thread of this process
    return usage.ru_utime + usage.ru_stime


def document_nquads(corpus: Path, limit: int | None) -> list[tuple[str, str]]:
    gaz = default_gazetteer()
    seen: set[str] = set()
    out = []
    for doc in itertools.islice(CorpusReader([corpus]), limit):
        ex = extract(doc, gaz)
        graph = doc_graph(doc.id)
        text = nquads(graph, list(dict.fromkeys(document_triples(ex))))
        text += nquads(ENTITIES_GRAPH, entity_part(ex.entities.values(), seen))
        out.append((graph, text))
    return out


def load(docs: list[tuple[str, str]], mode: str, batch: int, work: Path, send) -> None:
    import pyoxigraph as ox

    from kg.store import GraphStore

    started, cpu = time.perf_counter(), cpu_seconds()
    if mode.startswith("floor"):
        n = sum(t.count("\n") for _, t in docs)
        data = "".join(
            f'<http://e/s{i // 5}> <http://e/p{i % 7}> "{i}" <http://e/g{i // 500}> .\n'
            for i in range(n)
        ).encode()
        started, cpu = time.perf_counter(), cpu_seconds()
        store = ox.Store() if mode.endswith("memory") else ox.Store(str(work / "store-floor"))
        store.bulk_load(data, ox.RdfFormat.N_QUADS)
        if not mode.endswith("memory"):
            store.flush()
        quads = len(store)
    elif mode == "spooled":
        from kg.pipeline import StoreSink

        sink = StoreSink(GraphStore(work / "store-spooled"))
        for graph, text in docs:
            sink.spool.add(graph, text)
            if sink.spool.size >= sink.spool_bytes:
                sink.spool.load_into(sink.store)
        sink.close()
        quads = sink.store.count()
    elif mode == "memory":
        store = ox.Store()
        store.bulk_load("".join(t for _, t in docs).encode("utf-8"), ox.RdfFormat.N_QUADS)
        quads = len(store)
    elif mode == "one file":
        path = work / "all.nq"
        path.write_text("".join(t for _, t in docs), encoding="utf-8")
        started, cpu = time.perf_counter(), cpu_seconds()
        store = ox.Store(str(work / "store-file"))
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        store.flush()
        quads = len(store)
    else:
        gs = GraphStore(work / f"store-{batch}")
        for k in range(0, len(docs), batch):
            part = docs[k : k + batch]
            gs.replace_documents([g for g, _ in part], "".join(t for _, t in part))
        gs.flush()
        quads = gs.count()
    send.send((time.perf_counter() - started, cpu_seconds() - cpu, quads))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=SHARED if SHARED.exists() else EXAMPLES)
    parser.add_argument("--articles", type=int, default=None)
    parser.add_argument("--batches", default="64,256,4096")
    args = parser.parse_args()
    docs = document_nquads(args.corpus, args.articles)
    print(f"{len(docs)} documents of {args.corpus}", file=sys.stderr)
    runs = [("spooled", 0)] + [("batches", int(b)) for b in args.batches.split(",")]
    runs += [("one file", 0), ("memory", 0), ("floor, on disk", 0), ("floor, in memory", 0)]
    print("| load | wall s | CPU s (all threads) | CPU ms / document | quads | quads / CPU-s |")
    print("|---|---:|---:|---:|---:|---:|")
    context = multiprocessing.get_context("fork")
    for mode, batch in runs:
        with tempfile.TemporaryDirectory(prefix="kg-load-") as tmp:
            receive, send = context.Pipe(duplex=False)
            child = context.Process(target=load, args=(docs, mode, batch, Path(tmp), send))
            child.start()
            wall, cpu, quads = receive.recv()
            child.join()
        name = f"on disk, {batch} documents a batch" if mode == "batches" else mode
        if mode == "one file":
            name = "on disk, one bulk load of one file"
        if mode == "spooled":
            name = "on disk, spooled as `kg build` (256 MB loads, lenient)"
        if mode.startswith("floor"):
            name = f"{mode}: trivial quads, one bulk load"
        print(
            f"| {name} | {wall:.1f} | {cpu:.1f} | {1000 * cpu / len(docs):.1f} | {quads:,} "
            f"| {quads / cpu:,.0f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
